import type { UpstreamRegistry } from '../http/upstream';
import type { Pool } from '../pool/pool';
import { Route, RouteData, RouteSource, RouteTarget, metricLabel } from './route';
import { cleanRoutePath, routeHost, routeTrieKey } from './route-path';
import { parseTargetSpec } from './target-spec';
import { SegmentTrie } from './trie';

export class RouteTargetError extends Error {}

/**
 * The routes this process proxies by: routes from the configuration file plus routes set through
 * the API (which win at the same path, so JupyterHub can take over "/" from --default-target).
 * Synchronous and local; stores keep it in step with Redis.
 */
export class RouteTable {
  private readonly trie = new SegmentTrie<Route>();
  private readonly configRoutes = new Map<string, Route>();
  private readonly apiRoutes = new Map<string, Route>();

  constructor(
    private readonly pools: Map<string, Pool>,
    private readonly upstreams: UpstreamRegistry,
    readonly hostRouting: boolean,
  ) {}

  /** The route for a request's routing path (see requestRoutingPath), longest prefix first. */
  match(routingPath: string): Route | undefined {
    return this.trie.match(routingPath);
  }

  /** Throws RouteTargetError with a user-facing sentence when `target` cannot be routed to. */
  checkTarget(target: string): void {
    const spec = parseTargetSpec(target);
    if ('error' in spec) throw new RouteTargetError(spec.error);
    if (spec.kind === 'pool' && !this.pools.has(spec.pool)) {
      const known = [...this.pools.keys()].join(', ') || 'none configured';
      throw new RouteTargetError(`no pool "${spec.pool}" (pools: ${known})`);
    }
  }

  addConfigRoute(path: string, target: string, now: number): Route {
    return this.put(this.configRoutes, 'config', cleanRoutePath(path), { target }, now);
  }

  /**
   * The key and data an API route is stored under: CHP's cleaned path, the data as POSTed (CHP keeps
   * any extra keys) plus `host` under host routing, without `last_activity`, which the table owns.
   */
  normalize(path: string, data: RouteData): { key: string; data: RouteData } {
    const key = cleanRoutePath(path);
    const stored: RouteData = this.hostRouting && key !== '/' ? { ...data, host: routeHost(key) } : { ...data };
    delete stored.last_activity;
    return { key, data: stored };
  }

  /** Adds or replaces an API route. */
  setApiRoute(path: string, data: RouteData, lastActivity: number): Route {
    const n = this.normalize(path, data);
    return this.put(this.apiRoutes, 'api', n.key, n.data, lastActivity);
  }

  removeApiRoute(path: string): boolean {
    const key = cleanRoutePath(path);
    const route = this.apiRoutes.get(key);
    if (!route) return false;
    this.apiRoutes.delete(key);
    this.release(route.target);
    const fallback = this.configRoutes.get(key);
    if (fallback) this.trie.set(routeTrieKey(key, this.hostRouting), fallback);
    else this.trie.delete(routeTrieKey(key, this.hostRouting));
    return true;
  }

  getApiRoute(path: string): Route | undefined {
    return this.apiRoutes.get(cleanRoutePath(path));
  }

  getConfigRoute(path: string): Route | undefined {
    return this.configRoutes.get(cleanRoutePath(path));
  }

  /** What the API shows: API routes, plus configured routes no API route overrides. */
  visibleRoutes(): Route[] {
    const out = [...this.apiRoutes.values()];
    for (const [key, route] of this.configRoutes) if (!this.apiRoutes.has(key)) out.push(route);
    return out;
  }

  listApiRoutes(): IterableIterator<Route> {
    return this.apiRoutes.values();
  }

  get apiRouteCount(): number {
    return this.apiRoutes.size;
  }

  /** Replaces every API route with `routes` (a reload from the shared store), keeping unchanged ones as they are. */
  replaceApiRoutes(routes: Map<string, { data: RouteData; lastActivity: number }>): void {
    for (const key of [...this.apiRoutes.keys()]) if (!routes.has(key)) this.removeApiRoute(key);
    for (const [key, r] of routes) {
      const current = this.apiRoutes.get(key);
      if (current && sameData(current.data, r.data)) {
        current.lastActivity = Math.max(current.lastActivity, r.lastActivity);
        current.storedActivity = Math.max(current.storedActivity, r.lastActivity);
        continue;
      }
      this.setApiRoute(key, r.data, r.lastActivity);
    }
  }

  clear(): void {
    for (const key of [...this.apiRoutes.keys()]) this.removeApiRoute(key);
    for (const route of this.configRoutes.values()) this.release(route.target);
    this.configRoutes.clear();
  }

  private put(map: Map<string, Route>, source: RouteSource, key: string, data: RouteData, lastActivity: number): Route {
    const route: Route = {
      path: key,
      data,
      target: this.resolve(data.target),
      source,
      lastActivity,
      storedActivity: lastActivity,
      metricLabel: metricLabel(key, source, this.hostRouting),
    };
    const previous = map.get(key);
    map.set(key, route);
    if (previous) this.release(previous.target);
    if (source === 'api' || !this.apiRoutes.has(key)) this.trie.set(routeTrieKey(key, this.hostRouting), route);
    return route;
  }

  private resolve(target: string): RouteTarget {
    this.checkTarget(target);
    const spec = parseTargetSpec(target);
    if ('error' in spec) throw new RouteTargetError(spec.error);
    if (spec.kind === 'pool') return { kind: 'pool', pool: this.pools.get(spec.pool)! };
    return { kind: 'url', upstream: this.upstreams.acquire(spec.url) };
  }

  private release(target: RouteTarget): void {
    if (target.kind === 'url') this.upstreams.release(target.upstream);
  }
}

function sameData(a: RouteData, b: RouteData): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
