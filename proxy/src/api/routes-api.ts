import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ProxyMetrics } from '../observability/metrics';
import type { RouteData } from '../routing/route';
import { cleanRoutePath } from '../routing/route-path';
import { RouteTable, RouteTargetError } from '../routing/route-table';
import { type RouteStore, StoreUnavailableError, type StoredRoute } from '../store/route-store';
import { observeApiRequest, send, sendJson } from './api-response';
import { BodyError, readJsonBody } from './json-body';
import type { TokenCheck } from './token-check';

export interface RoutesApiOptions {
  maxBodyBytes: number;
  maxRoutes: number;
}

const ROUTES_PATH = /^\/api\/routes(\/.*)?$/;
const MAX_ROUTE_PATH_CHARS = 2048;

/** The JSON form of a route, as configurable-http-proxy answers it. */
function routeJson(r: { data: RouteData; lastActivity: number }): Record<string, unknown> {
  return { ...r.data, last_activity: new Date(r.lastActivity).toISOString() };
}

/**
 * configurable-http-proxy's REST API, so JupyterHub's ConfigurableHTTPProxy drives this proxy
 * unchanged: GET /api/routes[?inactive_since=ISO] (200, {path: route}), GET /api/routes/<path>
 * (200 | 404), POST /api/routes/<path> {"target": …, …} (201 | 400), DELETE /api/routes/<path>
 * (204 | 404); 403 without the token, 405 for other methods, 404 for other paths.
 */
export class RoutesApi {
  constructor(
    private readonly table: RouteTable,
    private readonly store: RouteStore,
    private readonly token: TokenCheck,
    private readonly options: RoutesApiOptions,
    private readonly metrics: ProxyMetrics,
    private readonly log: Logger,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = observeApiRequest(req, res, this.metrics, this.log);
    this.dispatch(req, res).catch((err: Error) => {
      if (err instanceof StoreUnavailableError) {
        send(res, 503, `Route store unavailable: ${err.message}`);
        return;
      }
      this.log.error({ requestId, err: err.message, stack: err.stack }, 'route API failure');
      send(res, 500, `Internal error in the route API (request id ${requestId})`);
    });
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const match = ROUTES_PATH.exec(pathname);
    if (!match) {
      req.resume();
      send(res, 404, `No API endpoint ${pathname}; the route API is /api/routes[/<route path>]`);
      return;
    }
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      req.resume();
      send(res, 405, 'Method not supported', { Allow: 'GET, POST, DELETE' });
      return;
    }
    if (!this.token.matches(req.headers.authorization)) {
      req.resume();
      send(res, 403, 'Forbidden: missing or wrong API token; send "Authorization: token <CONFIGPROXY_AUTH_TOKEN>"');
      return;
    }
    let routePath: string | undefined;
    try {
      routePath = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    } catch {
      req.resume();
      send(res, 400, `The route path ${match[1]} is not valid percent-encoded UTF-8`);
      return;
    }
    if (routePath !== undefined && routePath.length > MAX_ROUTE_PATH_CHARS) {
      req.resume();
      send(res, 400, `The route path is longer than ${MAX_ROUTE_PATH_CHARS} characters`);
      return;
    }
    if (method === 'GET') {
      req.resume();
      if (routePath && routePath !== '/') await this.getRoute(res, routePath);
      else await this.getRoutes(res, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    } else if (method === 'POST') {
      await this.postRoute(req, res, routePath ?? '/');
    } else {
      req.resume();
      await this.deleteRoute(res, routePath ?? '/');
    }
  }

  private async getRoute(res: ServerResponse, path: string): Promise<void> {
    const stored = await this.store.get(path);
    const route = stored ?? this.table.getConfigRoute(path);
    if (!route) {
      send(res, 404, `No route ${cleanRoutePath(path)}`);
      return;
    }
    sendJson(res, 200, routeJson(route));
  }

  private async getRoutes(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const since = query.get('inactive_since') ?? query.get('inactiveSince');
    let cutoff: number | null = null;
    if (since !== null) {
      cutoff = Date.parse(since);
      if (!Number.isFinite(cutoff)) {
        send(res, 400, `Invalid datestamp '${since}' must be ISO8601.`);
        return;
      }
    }
    const routes: (StoredRoute | { path: string; data: RouteData; lastActivity: number })[] = await this.store.list();
    const seen = new Set(routes.map((r) => r.path));
    for (const r of this.table.visibleRoutes()) if (r.source === 'config' && !seen.has(r.path)) routes.push(r);
    const out: Record<string, unknown> = {};
    for (const r of routes) {
      if (cutoff === null || r.lastActivity < cutoff) out[r.path] = routeJson(r);
    }
    sendJson(res, 200, out);
  }

  private async postRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req, this.options.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyError) {
        send(res, e.status, e.message, e.status === 413 ? { Connection: 'close' } : {});
        return;
      }
      throw e;
    }
    const data = (body ?? {}) as Record<string, unknown>;
    if (typeof data !== 'object' || Array.isArray(data) || typeof data.target !== 'string') {
      send(res, 400, "Must specify 'target' as string");
      return;
    }
    try {
      this.table.checkTarget(data.target);
    } catch (e) {
      if (e instanceof RouteTargetError) {
        send(res, 400, `Invalid target: ${e.message}`);
        return;
      }
      throw e;
    }
    if (!this.table.getApiRoute(path) && this.table.apiRouteCount >= this.options.maxRoutes) {
      send(res, 507, `The route table is full: ${this.options.maxRoutes} routes (proxy.http.limits.maxRoutes)`);
      return;
    }
    await this.store.set(path, data as RouteData);
    res.writeHead(201);
    res.end();
  }

  private async deleteRoute(res: ServerResponse, path: string): Promise<void> {
    if (await this.store.remove(path)) {
      res.writeHead(204);
      res.end();
      return;
    }
    const configured = this.table.getConfigRoute(path);
    send(res, 404, configured ? `Route ${configured.path} comes from the configuration file (proxy.http.routes) and cannot be deleted through the API` : `No route ${cleanRoutePath(path)}`);
  }
}
