import { STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ErrorPages } from '../error-pages';
import type { ProxyMetrics } from '../observability/metrics';
import type { PoolMember } from '../pool/pool';
import type { Route } from '../routing/route';
import { RequestHead, buildRequestHead, filterResponseHeaders, handshakeHeaders } from './headers';
import { pathOnly } from './forwarder';
import type { TrustedPeers } from './trusted-peer';
import type { Upstream } from './upstream';
import { kConnected } from './upstream-agent';
import { describeFailure, isConnectFailure } from './upstream-failure';

export interface WebsocketOptions {
  xForward: boolean;
  /** proxy.http.trustedProxies: peers whose X-Forwarded-* headers are kept. */
  trustedPeers: TrustedPeers;
  /** Close a websocket after this long without a frame either way; 0 = never. */
  idleMs: number;
  /** Time the upstream has to answer the upgrade request. */
  handshakeTimeoutMs: number;
}

const TCP_KEEPALIVE_MS = 30_000;

/**
 * Websocket (and any HTTP/1.1 Upgrade) proxying: the handshake follows the same routes and pools as
 * plain requests, then the two sockets are piped together. Every frame counts as route activity, so an
 * open notebook kernel keeps its server "active" for JupyterHub's culler.
 */
export class WebsocketProxy {
  private readonly open = new Set<Socket>();

  constructor(
    private readonly options: WebsocketOptions,
    private readonly errors: ErrorPages,
    private readonly metrics: ProxyMetrics,
    private readonly log: Logger,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  handle(req: IncomingMessage, socket: Socket, head: Buffer, route: Route): void {
    socket.on('error', (err) => this.log.debug({ client: socket.remoteAddress, err: err.message }, 'websocket client socket error'));
    const requestHead = buildRequestHead(req, { xForward: this.options.xForward, proto: 'http', upgrade: true, trustedPeer: this.options.trustedPeers.has(socket) });
    this.attempt(req, socket, head, route, requestHead, null, false);
  }

  /** Cuts every proxied websocket (end of graceful shutdown). */
  closeAll(): void {
    for (const s of this.open) s.destroy();
  }

  private attempt(req: IncomingMessage, socket: Socket, head: Buffer, route: Route, h: RequestHead, exclude: PoolMember | null, retried: boolean): void {
    let member: PoolMember | null = null;
    let upstream: Upstream;
    if (route.target.kind === 'pool') {
      member = route.target.pool.pick(exclude);
      if (!member) {
        this.fail(req, socket, route, h.requestId, 503, 'No healthy server is available for this address right now; please retry in a few seconds.', `no healthy member in pool ${route.target.pool.name}`, null);
        return;
      }
      upstream = member.upstream;
    } else {
      upstream = route.target.upstream;
    }
    const headers = h.hasHost ? h.headers : [...h.headers, 'Host', `${upstream.hostname}:${upstream.port}`];
    const preq: ClientRequest = upstream.request({
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: upstream.basePath + (req.url ?? '/'),
      headers,
      agent: upstream.agent,
      timeout: this.options.handshakeTimeoutMs,
    });
    let answered = false;
    let timedOut = false;
    const abandon = () => {
      if (!answered) preq.destroy();
    };
    socket.once('close', abandon);

    preq.once('upgrade', (pres: IncomingMessage, upstreamSocket: Socket, upstreamHead: Buffer) => {
      answered = true;
      socket.removeListener('close', abandon);
      upstreamSocket.setTimeout(0);
      if (socket.destroyed) {
        upstreamSocket.destroy();
        return;
      }
      socket.write(`HTTP/1.1 101 ${pres.statusMessage || 'Switching Protocols'}\r\n${handshakeHeaders(pres.rawHeaders)}\r\n`);
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      this.join(socket, upstreamSocket, route, h.requestId);
    });
    preq.once('response', (pres: IncomingMessage) => {
      // The upstream answered without switching protocols (403, 404, …): relay its answer and close.
      answered = true;
      socket.removeListener('close', abandon);
      const status = pres.statusCode ?? 502;
      this.metrics.countRequest(route.metricLabel, status);
      socket.write(`HTTP/1.1 ${status} ${pres.statusMessage || STATUS_CODES[status] || ''}\r\n${handshakeHeaders(filterResponseHeaders(pres.rawHeaders, true))}\r\n`);
      pres.pipe(socket);
    });
    preq.on('timeout', () => {
      timedOut = true;
      preq.destroy();
    });
    preq.on('error', (err: NodeJS.ErrnoException) => {
      if (answered || socket.destroyed) return;
      socket.removeListener('close', abandon);
      const connectFailed = !timedOut && isConnectFailure(err, (preq.socket as (Socket & { [kConnected]?: boolean }) | null)?.[kConnected]);
      const failure = describeFailure(err, timedOut, this.options.handshakeTimeoutMs);
      if (member && (connectFailed || timedOut)) member.pool.eject(member, failure.detail);
      if (member && connectFailed && !retried) {
        this.attempt(req, socket, head, route, h, member, true);
        return;
      }
      this.fail(req, socket, route, h.requestId, failure.status, failure.message, failure.detail, upstream);
    });
    preq.end();
  }

  private join(client: Socket, upstream: Socket, route: Route, requestId: string): void {
    this.open.add(client);
    this.metrics.openWebsockets++;
    this.metrics.countWebsocket(route.metricLabel);
    this.metrics.countRequest(route.metricLabel, 101);
    route.lastActivity = Date.now();
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      s.setKeepAlive(true, TCP_KEEPALIVE_MS);
      s.on('data', () => (route.lastActivity = Date.now()));
      s.on('error', (err) => this.log.debug({ requestId, err: err.message }, 'websocket connection error'));
    }
    // The client socket's timer sees traffic both ways (reads and writes), so it measures frame idleness.
    client.setTimeout(this.options.idleMs, () => {
      this.log.info({ requestId, route: route.path, idleMs: this.options.idleMs }, 'closing idle websocket');
      client.destroy();
    });
    upstream.pipe(client);
    client.pipe(upstream);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      this.open.delete(client);
      this.metrics.openWebsockets--;
    };
    client.once('close', close);
    upstream.once('close', close);
  }

  private fail(req: IncomingMessage, socket: Socket, route: Route, requestId: string, status: number, message: string, detail: string, upstream: Upstream | null): void {
    this.metrics.countRequest(route.metricLabel, status);
    this.log.warn(
      { requestId, client: socket.remoteAddress, method: req.method, path: pathOnly(req.url), route: route.path, upstream: upstream?.url, status, err: detail, websocket: true },
      'proxy error',
    );
    this.errors.sendToSocket(socket, { status, message, requestId });
  }
}
