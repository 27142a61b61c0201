import type { MemberStatus, PoolStatus, ProxyStatus } from '../observability/status';

/**
 * One status for the whole proxy from each worker's own. Workers check pool members independently,
 * so a member counts as in rotation only when every worker has it there; counters add up.
 */
export function mergeStatuses(statuses: ProxyStatus[]): ProxyStatus {
  if (statuses.length === 0) throw new Error('no worker answered');
  if (statuses.length === 1) return statuses[0];
  const [first] = statuses;
  const syncs = statuses.map((s) => s.store.lastSync).filter((t): t is number => t !== null);
  return {
    workers: statuses.length,
    startedAt: statuses.map((s) => s.startedAt).sort()[0],
    uptimeSeconds: Math.max(...statuses.map((s) => s.uptimeSeconds)),
    routes: { api: Math.max(...statuses.map((s) => s.routes.api)), config: first.routes.config },
    websocketsOpen: statuses.reduce((n, s) => n + s.websocketsOpen, 0),
    store: { ...first.store, connected: statuses.every((s) => s.store.connected), lastSync: syncs.length ? Math.min(...syncs) : null },
    pools: first.pools.map((pool) => mergePool(pool, statuses.map((s) => s.pools.find((p) => p.name === pool.name)).filter((p): p is PoolStatus => !!p))),
    // The configuration refuses the SSH front with workers: it needs one view of every connection.
    ssh: null,
  };
}

function mergePool(pool: PoolStatus, views: PoolStatus[]): PoolStatus {
  const members = pool.members.map((m) => mergeMember(views.map((v) => v.members.find((x) => x.url === m.url)).filter((x): x is MemberStatus => !!x)));
  return { ...pool, healthy: members.filter((m) => m.healthy).length, members };
}

function mergeMember(views: MemberStatus[]): MemberStatus {
  const down = views.filter((v) => !v.healthy);
  const checks = views.map((v) => v.lastCheck).filter((c): c is NonNullable<MemberStatus['lastCheck']> => c !== null);
  let reason: string | null = null;
  if (down.length > 0) reason = `${down[0].reason ?? 'out of rotation'}${down.length < views.length ? ` (on ${down.length} of ${views.length} workers)` : ''}`;
  return {
    url: views[0].url,
    healthy: down.length === 0,
    since: views.map((v) => v.since).sort().at(-1)!,
    reason,
    lastCheck: checks.sort((a, b) => a.at.localeCompare(b.at)).at(-1) ?? null,
    checks: { ok: views.reduce((n, v) => n + v.checks.ok, 0), failed: views.reduce((n, v) => n + v.checks.failed, 0) },
    ejections: views.reduce((n, v) => n + v.ejections, 0),
    requests: views.reduce((n, v) => n + v.requests, 0),
  };
}
