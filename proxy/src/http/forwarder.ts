import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ErrorPages } from '../error-pages';
import type { ProxyMetrics } from '../observability/metrics';
import type { PoolMember } from '../pool/pool';
import type { Route } from '../routing/route';
import { type ForwardedInfo, RequestHead, buildRequestHead, filterResponseHeaders } from './headers';
import type { TrustedPeers } from './trusted-peer';
import type { Upstream } from './upstream';
import { kConnected } from './upstream-agent';
import { IDEMPOTENT_METHODS, RESPONSE_HEADERS_TIMEOUT_CODE, abortWaitingForHeaders, describeFailure, isConnectFailure, isResetBeforeResponse, nothingSent } from './upstream-failure';

export interface ForwarderOptions {
  xForward: boolean;
  /** proxy.http.trustedProxies: peers whose X-Forwarded-* headers are kept. */
  trustedPeers: TrustedPeers;
  /** An upstream exchange with no byte in either direction fails after this long (504 before the response). */
  upstreamTimeoutMs: number;
  /** From the request fully sent to the response headers (504, and a pool member is ejected); 0 = off. */
  responseHeadersTimeoutMs: number;
}

/** "/path?q" for origin-form targets, and the same for absolute-form ones ("http://host/path?q"). */
function originForm(url: string): string {
  if (url.charCodeAt(0) === 47) return url;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

function withHost(headers: string[], upstream: Upstream): string[] {
  return [...headers, 'Host', `${upstream.hostname.includes(':') ? `[${upstream.hostname}]` : upstream.hostname}:${upstream.port}`];
}

/**
 * Proxies one HTTP request to its route's target: a plain pipe over a keep-alive agent (the measured
 * fastest choice, see bench/http-proxy.ts). A pool member that refuses the connection is ejected and
 * the request goes once to another member; an idempotent request without a body is also repeated
 * once when the upstream dropped the connection before answering (a keep-alive race or a crash).
 */
export class Forwarder {
  /** Set during graceful shutdown: responses ask clients to close their connection. */
  draining = false;
  private readonly debug: boolean;
  /** The two possible header settings, built once rather than per request. */
  private readonly untrustedInfo: ForwardedInfo;
  private readonly trustedInfo: ForwardedInfo;

  constructor(
    private readonly options: ForwarderOptions,
    private readonly errors: ErrorPages,
    private readonly metrics: ProxyMetrics,
    private readonly log: Logger,
  ) {
    this.debug = log.isLevelEnabled('debug');
    this.untrustedInfo = { xForward: options.xForward, proto: 'http', upgrade: false, trustedPeer: false };
    this.trustedInfo = { ...this.untrustedInfo, trustedPeer: true };
  }

  forward(req: IncomingMessage, res: ServerResponse, route: Route): void {
    const head = buildRequestHead(req, this.options.trustedPeers.has(req.socket) ? this.trustedInfo : this.untrustedInfo);
    if (this.debug) this.logWhenDone(req, res, route, head.requestId);
    this.attempt(req, res, route, head, originForm(req.url ?? '/'), null, false);
  }

  private attempt(req: IncomingMessage, res: ServerResponse, route: Route, head: RequestHead, path: string, exclude: PoolMember | null, retried: boolean): void {
    let member: PoolMember | null = null;
    let upstream: Upstream;
    const target = route.target;
    if (target.kind === 'pool') {
      member = target.pool.pick(exclude);
      if (!member) {
        const message = 'No healthy server is available for this address right now. The proxy keeps checking and will use one again as soon as it answers; please retry in a few seconds.';
        this.fail(req, res, route, head.requestId, { status: 503, message, detail: `no healthy member in pool ${target.pool.name}` }, null);
        return;
      }
      upstream = member.upstream;
    } else {
      upstream = target.upstream;
    }

    const started = performance.now();
    const preq: ClientRequest = upstream.request({
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: upstream.basePath + path,
      headers: head.hasHost ? head.headers : withHost(head.headers, upstream),
      agent: upstream.agent,
      timeout: this.options.upstreamTimeoutMs,
    });
    let responded = false;
    let timedOut = false;
    let headersTimer: NodeJS.Timeout | null = null;
    trackUpstreamRequest(req.socket, preq);

    preq.once('response', (pres: IncomingMessage) => {
      responded = true;
      if (headersTimer) clearTimeout(headersTimer);
      const status = pres.statusCode ?? 502;
      this.metrics.observeUpstream(route.metricLabel, (performance.now() - started) / 1000);
      this.metrics.countRequest(route.metricLabel, status);
      res.writeHead(status, pres.statusMessage, filterResponseHeaders(pres.rawHeaders, this.draining));
      relay(pres, res, preq, status < 300 ? route : null);
    });
    // The wait for the response starts once the whole request is out; a hung upstream never answers.
    if (this.options.responseHeadersTimeoutMs > 0) {
      preq.once('finish', () => {
        if (!responded) headersTimer = setTimeout(abortWaitingForHeaders, this.options.responseHeadersTimeoutMs, preq, this.options.responseHeadersTimeoutMs);
      });
    }
    preq.on('timeout', () => {
      timedOut = true;
      preq.destroy();
    });
    preq.on('error', (err: NodeJS.ErrnoException) => {
      if (headersTimer) clearTimeout(headersTimer);
      if (responded) {
        res.destroy();
        return;
      }
      if (res.destroyed || res.writableEnded || req.socket.destroyed) return; // the client went away first
      const socket = preq.socket as (Socket & { [kConnected]?: boolean }) | null;
      const headersLate = err.code === RESPONSE_HEADERS_TIMEOUT_CODE;
      const connectFailed = !timedOut && !headersLate && isConnectFailure(err, socket?.[kConnected]);
      const failure = describeFailure(err, timedOut, this.options.upstreamTimeoutMs);
      // A member that does not answer in time is as unusable as one that refuses: out until it passes `rise` checks.
      if (member && (connectFailed || headersLate)) member.pool.eject(member, failure.detail);
      const safeToRepeat = !headersLate && (nothingSent(preq, socket) || (!head.hasBody && IDEMPOTENT_METHODS.has(req.method ?? '') && isResetBeforeResponse(err)));
      const retry = !retried && !timedOut && (member ? connectFailed || safeToRepeat : preq.reusedSocket && safeToRepeat);
      if (retry) {
        this.log.debug({ requestId: head.requestId, upstream: upstream.url, err: failure.detail }, 'retrying on another upstream connection');
        this.attempt(req, res, route, head, path, member, true);
        return;
      }
      this.fail(req, res, route, head.requestId, failure, upstream);
    });

    if (!head.hasBody) {
      preq.end();
    } else {
      // The body is only read once the connection is up, so a refused connection leaves it intact for the retry.
      preq.once('socket', (s: Socket) => {
        if (s.connecting) s.once('connect', () => req.pipe(preq));
        else req.pipe(preq);
      });
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, route: Route, requestId: string, failure: { status: number; message: string; detail: string }, upstream: Upstream | null): void {
    this.metrics.countRequest(route.metricLabel, failure.status);
    this.log.warn(
      {
        requestId,
        client: req.socket.remoteAddress,
        method: req.method,
        path: pathOnly(req.url),
        route: route.path,
        upstream: upstream?.url,
        status: failure.status,
        err: failure.detail,
      },
      'proxy error',
    );
    this.errors.send(req, res, { status: failure.status, message: failure.message, requestId });
  }

  private logWhenDone(req: IncomingMessage, res: ServerResponse, route: Route, requestId: string): void {
    const started = performance.now();
    res.once('finish', () => {
      this.log.debug(
        { requestId, client: req.socket.remoteAddress, method: req.method, path: pathOnly(req.url), route: route.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
  }
}

const kInflight = Symbol('hpcg.inflightUpstreamRequest');
type ClientSocket = Socket & { [kInflight]?: ClientRequest | null };

/**
 * When a client disconnects, its upstream request is abandoned too. HTTP/1.1 serves one request at a
 * time per connection, so one 'close' listener per client connection (added by watchClientSocket)
 * replaces a listener per request.
 */
function trackUpstreamRequest(socket: Socket, preq: ClientRequest): void {
  (socket as ClientSocket)[kInflight] = preq;
}

export function watchClientSocket(socket: Socket): void {
  socket.once('close', () => {
    const preq = (socket as ClientSocket)[kInflight];
    if (preq && !preq.destroyed) preq.destroy();
    (socket as ClientSocket)[kInflight] = null;
  });
}

/**
 * Copies the upstream body to the client with back-pressure. Two listeners instead of pipe()'s
 * seven; the exchange counts as route activity once complete (when `route` is given).
 */
function relay(pres: IncomingMessage, res: ServerResponse, preq: ClientRequest, route: Route | null): void {
  pres.on('data', (chunk: Buffer) => {
    if (!res.write(chunk)) {
      pres.pause();
      res.once('drain', () => pres.resume());
    }
  });
  pres.once('end', () => {
    res.end();
    const socket = res.socket as ClientSocket | null;
    if (socket && socket[kInflight] === preq) socket[kInflight] = null;
    // Only exchanges that succeeded count as activity (CHP's rule): a flood of errors must not keep a server "active".
    if (route) route.lastActivity = Date.now();
  });
  // A response cut short upstream is cut short for the client too, never passed off as complete.
  pres.once('error', () => res.destroy());
}

/** Paths are logged without their query: tokens travel there (?token=… on websockets and downloads). */
export function pathOnly(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
