import type { Pool } from '../pool/pool';
import type { RouteTable } from '../routing/route-table';
import type { SshFront } from '../ssh/ssh-front';
import type { SshStatus } from '../ssh/ssh-status';
import type { RouteStore, StoreStatus } from '../store/route-store';

export interface MemberStatus {
  url: string;
  healthy: boolean;
  /** ISO time of the last change of `healthy`. */
  since: string;
  reason: string | null;
  lastCheck: { at: string; ok: boolean; latencyMs: number | null; detail: string } | null;
  checks: { ok: number; failed: number };
  ejections: number;
  requests: number;
}

export interface PoolStatus {
  name: string;
  healthy: number;
  total: number;
  check: { path: string; intervalMs: number; timeoutMs: number; rise: number; fall: number };
  members: MemberStatus[];
}

export interface ProxyStatus {
  /** Processes serving traffic (proxy.http.workers). */
  workers: number;
  startedAt: string;
  uptimeSeconds: number;
  routes: { api: number; config: number };
  websocketsOpen: number;
  store: StoreStatus;
  pools: PoolStatus[];
  /** The SSH front; null when it is not configured. */
  ssh: SshStatus | null;
}

/** The JSON status API (/api/status on the metrics listener) and the source of the status page. */
export function buildStatus(startedAt: number, pools: Map<string, Pool>, table: RouteTable, store: RouteStore, websocketsOpen: number, ssh: SshFront | null): ProxyStatus {
  const visible = table.visibleRoutes();
  const api = visible.filter((r) => r.source === 'api').length;
  return {
    workers: 1,
    startedAt: new Date(startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    routes: { api, config: visible.length - api },
    websocketsOpen,
    store: store.status(),
    pools: [...pools.values()].map((pool) => ({
      name: pool.name,
      healthy: pool.healthyCount,
      total: pool.members.length,
      check: { path: pool.check.path, intervalMs: pool.check.interval, timeoutMs: pool.check.timeout, rise: pool.check.rise, fall: pool.check.fall },
      members: pool.members.map((m) => ({
        url: m.upstream.url,
        healthy: m.health.healthy,
        since: new Date(m.health.since).toISOString(),
        reason: m.health.reason,
        lastCheck: m.health.lastCheck && {
          at: new Date(m.health.lastCheck.at).toISOString(),
          ok: m.health.lastCheck.ok,
          latencyMs: m.health.lastCheck.latencyMs === null ? null : Math.round(m.health.lastCheck.latencyMs * 10) / 10,
          detail: m.health.lastCheck.detail,
        },
        checks: { ok: m.health.checksOk, failed: m.health.checksFailed },
        ejections: m.health.ejections,
        requests: m.requests,
      })),
    })),
    ssh: ssh ? ssh.status() : null,
  };
}
