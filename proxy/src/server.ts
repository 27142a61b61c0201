import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { RoutesApi } from './api/routes-api';
import { SSH_API_PREFIX, SshNodesApi } from './api/ssh-nodes-api';
import { TokenCheck } from './api/token-check';
import type { ProxyConfig } from './config/load-config';
import { ErrorPages } from './error-pages';
import { Forwarder, watchClientSocket } from './http/forwarder';
import { acceptableRequestId, newRequestId } from './http/request-id';
import { TrustedPeers } from './http/trusted-peer';
import { UpstreamRegistry } from './http/upstream';
import { WebsocketProxy } from './http/websocket';
import { ProxyMetrics } from './observability/metrics';
import { observabilityHandler } from './observability/observability-server';
import { buildStatus, type ProxyStatus } from './observability/status';
import { type Pool, createPools } from './pool/pool';
import { requestRoutingPath } from './routing/route-path';
import { RouteTable } from './routing/route-table';
import { SshFront } from './ssh/ssh-front';
import { MemoryRouteStore } from './store/memory-store';
import { RedisRouteStore } from './store/redis-store';
import type { RouteStore } from './store/route-store';

export interface ProxyAddresses {
  public: AddressInfo;
  api: AddressInfo;
  metrics: AddressInfo | null;
  ssh: AddressInfo | null;
}

const NO_ROUTE_LABEL = '(no route)';
const HEALTHZ_BODY = '{"status":"OK"}';

function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && acceptableRequestId(given) ? given : newRequestId();
}

/**
 * hpcg-proxy: the public listener (routes -> targets and pools, websockets), the route API listener
 * and the metrics/status listener, kept apart as configurable-http-proxy keeps them.
 */
export class ProxyServer {
  readonly table: RouteTable;
  readonly pools: Map<string, Pool>;
  readonly store: RouteStore;
  readonly metrics: ProxyMetrics;
  /** The SSH front (proxy.ssh), another listener of this process. */
  readonly ssh: SshFront | null;
  private readonly upstreams: UpstreamRegistry;
  private readonly errors: ErrorPages;
  private readonly forwarder: Forwarder;
  private readonly websockets: WebsocketProxy;
  private readonly publicServer: http.Server;
  private readonly apiServer: http.Server;
  private readonly metricsServer: http.Server | null;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | null = null;

  constructor(
    readonly config: ProxyConfig,
    private readonly log: Logger,
  ) {
    const t = config.timeouts;
    this.upstreams = new UpstreamRegistry({ maxSockets: config.limits.upstreamSockets, connectTimeoutMs: t.connectMs });
    this.pools = createPools(config.pools, this.upstreams);
    for (const pool of this.pools.values()) {
      pool.onChange((member, transition) => {
        const entry = { pool: pool.name, member: member.upstream.url, reason: member.health.reason, healthy: pool.healthyCount, total: pool.members.length };
        if (transition === 'down') log.warn(entry, 'pool member out of rotation');
        else log.info(entry, 'pool member back in rotation');
      });
    }
    this.table = new RouteTable(this.pools, this.upstreams, config.hostRouting);
    const now = Date.now();
    for (const r of config.routes) this.table.addConfigRoute(r.path, r.target, now);
    // Also the fallback when "/" is deleted through the API (start() writes it to the store as well).
    if (config.defaultTarget) this.table.addConfigRoute('/', config.defaultTarget, now);
    this.store =
      config.store.kind === 'redis'
        ? new RedisRouteStore(this.table, config.store, log.child({ component: 'route-store' }))
        : new MemoryRouteStore(this.table);
    this.metrics = new ProxyMetrics(this.pools, this.table);
    this.errors = new ErrorPages(config.errorTarget, config.errorPath, log);
    const trustedPeers = new TrustedPeers(config.trustedProxies);
    this.forwarder = new Forwarder({ xForward: config.xForward, trustedPeers, upstreamTimeoutMs: t.upstreamMs, responseHeadersTimeoutMs: t.responseHeadersMs }, this.errors, this.metrics, log);
    // A handshake is a wait for response headers: the shorter of the two limits applies (0 = off).
    const handshakeTimeoutMs = t.responseHeadersMs > 0 && (t.upstreamMs === 0 || t.responseHeadersMs < t.upstreamMs) ? t.responseHeadersMs : t.upstreamMs;
    this.websockets = new WebsocketProxy({ xForward: config.xForward, trustedPeers, idleMs: t.websocketIdleMs, handshakeTimeoutMs }, this.errors, this.metrics, log);

    this.publicServer = http.createServer({ maxHeaderSize: config.limits.maxHeaderBytes, requestTimeout: 0, headersTimeout: t.headersMs, noDelay: true }, this.onRequest);
    this.publicServer.keepAliveTimeout = t.keepAliveMs;
    this.publicServer.timeout = t.clientMs;
    this.publicServer.maxConnections = config.limits.maxConnections;
    this.publicServer.on('upgrade', this.onUpgrade);
    this.publicServer.on('connection', watchClientSocket);

    this.ssh = config.ssh ? new SshFront(config.ssh, this.metrics.registry, log.child({ component: 'ssh' }), t.shutdownGraceMs) : null;
    const token = new TokenCheck(config.authToken);
    const apiLog = log.child({ component: 'api' });
    const api = new RoutesApi(this.table, this.store, token, { maxBodyBytes: config.limits.maxApiBodyBytes, maxRoutes: config.limits.maxRoutes }, this.metrics, apiLog);
    const sshApi = this.ssh ? new SshNodesApi(this.ssh, token, this.metrics, apiLog) : null;
    this.apiServer = http.createServer({ maxHeaderSize: config.limits.maxHeaderBytes, requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) =>
      sshApi && req.url?.startsWith(SSH_API_PREFIX) ? sshApi.handle(req, res) : api.handle(req, res),
    );
    this.apiServer.maxConnections = 1024;

    this.metricsServer = config.metrics
      ? http.createServer(
          { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 10_000 },
          observabilityHandler({
            metrics: async () => ({ contentType: this.metrics.registry.contentType, text: await this.metrics.registry.metrics() }),
            status: async () => this.status(),
          }),
        )
      : null;
    if (this.metricsServer) this.metricsServer.maxConnections = 256;
  }

  /**
   * `claimDefaultRoute: false` is for a worker replacing a dead one: the deployment is already
   * running, and "/" may since have been set through the API.
   */
  async start({ claimDefaultRoute = true } = {}): Promise<ProxyAddresses> {
    await this.store.start();
    // As configurable-http-proxy does at start: --default-target is "/" in the route table (replacing
    // whatever another proxy left there in a shared store); the API may change it afterwards.
    if (this.config.defaultTarget && claimDefaultRoute) await this.store.set('/', { target: this.config.defaultTarget });
    for (const pool of this.pools.values()) pool.start();
    const c = this.config;
    const [pub, api, metrics, ssh] = await Promise.all([
      listen(this.publicServer, c.listen.host, c.listen.port, 'the public listener (proxy.http.listen / --ip --port)'),
      listen(this.apiServer, c.api.host, c.api.port, 'the route API listener (proxy.http.api / --api-ip --api-port)'),
      this.metricsServer && c.metrics ? listen(this.metricsServer, c.metrics.host, c.metrics.port, 'the metrics listener (proxy.http.metrics / --metrics-ip --metrics-port)') : null,
      this.ssh ? this.ssh.start() : null,
    ]);
    return { public: pub, api, metrics, ssh };
  }

  status(): ProxyStatus {
    return buildStatus(this.startedAt, this.pools, this.table, this.store, this.websockets.openCount, this.ssh);
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (their responses ask clients to
   * close), cut what is still open after shutdownGrace, then stop health checks and close Redis.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.forwarder.draining = true;
      const grace = this.config.timeouts.shutdownGraceMs;
      await Promise.all([
        closeGracefully(this.publicServer, grace, () => this.websockets.closeAll()),
        closeGracefully(this.apiServer, grace),
        this.metricsServer ? closeGracefully(this.metricsServer, grace) : undefined,
        this.ssh?.stop(),
      ]);
      for (const pool of this.pools.values()) pool.stop();
      await this.store.stop();
      this.table.clear();
      this.upstreams.destroy();
      this.errors.close();
    })();
    return this.stopping;
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      const url = req.url ?? '/';
      if (url === '/_chp_healthz') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HEALTHZ_BODY.length });
        res.end(HEALTHZ_BODY);
        return;
      }
      const path = requestRoutingPath(url, this.config.hostRouting ? req.headers.host : undefined, this.config.hostRouting);
      if (path === null) {
        this.metrics.countRequest(NO_ROUTE_LABEL, 400);
        this.errors.builtIn(req, res, { status: 400, message: 'The request path is not valid: it must be percent-encoded UTF-8.', requestId: requestIdOf(req) });
        return;
      }
      const route = this.table.match(path);
      if (!route) {
        this.metrics.countRequest(NO_ROUTE_LABEL, 404);
        this.errors.send(req, res, { status: 404, message: `No route on this proxy matches ${path}. If this was a notebook server, it may have been stopped.`, requestId: requestIdOf(req) });
        return;
      }
      this.forwarder.forward(req, res, route);
    } catch (err) {
      this.internalError(req, err as Error, (e) => this.errors.builtIn(req, res, e));
    }
  };

  private readonly onUpgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer): void => {
    try {
      const path = requestRoutingPath(req.url ?? '/', this.config.hostRouting ? req.headers.host : undefined, this.config.hostRouting);
      const route = path === null ? undefined : this.table.match(path);
      if (!route) {
        this.metrics.countRequest(NO_ROUTE_LABEL, path === null ? 400 : 404);
        socket.on('error', () => undefined);
        this.errors.sendToSocket(socket, { status: path === null ? 400 : 404, message: path === null ? 'The request path is not valid.' : `No route on this proxy matches ${path}.`, requestId: requestIdOf(req) });
        return;
      }
      this.websockets.handle(req, socket, head, route);
    } catch (err) {
      this.internalError(req, err as Error, (e) => this.errors.sendToSocket(socket, e));
    }
  };

  private internalError(req: http.IncomingMessage, err: Error, respond: (e: { status: number; message: string; requestId: string }) => void): void {
    const requestId = requestIdOf(req);
    this.log.error({ requestId, client: req.socket.remoteAddress, method: req.method, err: err.message, stack: err.stack }, 'internal error while proxying');
    respond({ status: 500, message: 'The proxy failed to handle this request.', requestId });
  }
}

function listen(server: http.Server, host: string, port: number, what: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host || '*'}:${port}`;
      reject(new Error(`cannot open ${what} on ${where}: ${err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message}`));
    };
    server.once('error', onError);
    server.listen({ host: host || undefined, port }, () => {
      server.removeListener('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeGracefully(server: http.Server, graceMs: number, onGraceOver?: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      onGraceOver?.();
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
