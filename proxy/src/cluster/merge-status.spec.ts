import type { MemberStatus, ProxyStatus } from '../observability/status';
import { mergeStatuses } from './merge-status';

const member = (over: Partial<MemberStatus>): MemberStatus => ({
  url: 'http://10.0.0.1:4000',
  healthy: true,
  since: '2026-01-01T00:00:00.000Z',
  reason: null,
  lastCheck: { at: '2026-01-01T00:00:10.000Z', ok: true, latencyMs: 2, detail: 'HTTP 200' },
  checks: { ok: 5, failed: 0 },
  ejections: 0,
  requests: 10,
  ...over,
});

const status = (m: MemberStatus, over: Partial<ProxyStatus> = {}): ProxyStatus => ({
  workers: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  uptimeSeconds: 60,
  routes: { api: 2, config: 1 },
  websocketsOpen: 1,
  store: { kind: 'redis', connected: true, location: 'redis://r:6379', lastSync: 100 },
  ssh: null,
  pools: [{ name: 'gw', healthy: m.healthy ? 1 : 0, total: 1, check: { path: '/', intervalMs: 1000, timeoutMs: 500, rise: 2, fall: 2 }, members: [m] }],
  ...over,
});

describe('mergeStatuses', () => {
  it('adds up counters and websockets, and reports the number of workers', () => {
    const merged = mergeStatuses([status(member({})), status(member({ requests: 7, checks: { ok: 4, failed: 1 } }), { websocketsOpen: 2 })]);
    expect(merged.workers).toBe(2);
    expect(merged.websocketsOpen).toBe(3);
    expect(merged.pools[0].members[0]).toMatchObject({ healthy: true, requests: 17, checks: { ok: 9, failed: 1 } });
  });

  it('counts a member in rotation only when every worker has it there, saying on how many it is not', () => {
    const merged = mergeStatuses([
      status(member({})),
      status(member({ healthy: false, reason: 'ejected: connection refused', since: '2026-01-01T00:00:20.000Z', lastCheck: { at: '2026-01-01T00:00:21.000Z', ok: false, latencyMs: null, detail: 'connection refused' } })),
    ]);
    expect(merged.pools[0].healthy).toBe(0);
    expect(merged.pools[0].members[0]).toMatchObject({
      healthy: false,
      reason: 'ejected: connection refused (on 1 of 2 workers)',
      since: '2026-01-01T00:00:20.000Z',
      lastCheck: { detail: 'connection refused' },
    });
  });

  it('says the store is connected only when it is for every worker', () => {
    const merged = mergeStatuses([status(member({})), status(member({}), { store: { kind: 'redis', connected: false, location: 'redis://r:6379', lastSync: 50 } })]);
    expect(merged.store).toEqual({ kind: 'redis', connected: false, location: 'redis://r:6379', lastSync: 50 });
  });
});
