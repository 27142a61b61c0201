import type { Upstream } from '../http/upstream';
import type { Pool } from '../pool/pool';

export type RouteTarget = { kind: 'url'; upstream: Upstream } | { kind: 'pool'; pool: Pool };

/** Route data as CHP keeps it: the POSTed JSON object, which always has a string `target`. */
export type RouteData = { target: string } & Record<string, unknown>;

export type RouteSource = 'config' | 'api';

/** One entry of the route table, shaped for the hot path. */
export interface Route {
  /** The route key ("/user/alice"), as the API shows it. */
  readonly path: string;
  readonly data: RouteData;
  readonly target: RouteTarget;
  readonly source: RouteSource;
  /** Milliseconds since the epoch of the last successful proxied exchange (or of the route's creation). */
  lastActivity: number;
  /** The last activity already written to the shared store. */
  storedActivity: number;
  /** Bounded label for metrics: "/user/*" rather than one series per user. */
  readonly metricLabel: string;
}

/**
 * Metrics label of a route. Configured routes are few and keep their path; API routes (one per
 * notebook server) are folded to their first segment: "/user/alice" -> "/user/*", "/hub" -> "/hub".
 */
export function metricLabel(path: string, source: RouteSource, hostRouting: boolean): string {
  if (source === 'config' || path === '/') return path;
  const segments = path.slice(1).split('/');
  if (hostRouting) {
    const rest = segments.slice(1);
    if (rest.length === 0) return '{host}/';
    return `{host}/${rest[0]}${rest.length > 1 ? '/*' : ''}`;
  }
  return `/${segments[0]}${segments.length > 1 ? '/*' : ''}`;
}
