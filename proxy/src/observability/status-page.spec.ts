import type { ProxyStatus } from './status';
import { renderStatusPage } from './status-page';

const now = Date.parse('2026-01-01T12:00:00Z');
const status: ProxyStatus = {
  workers: 1,
  startedAt: '2026-01-01T11:00:00.000Z',
  uptimeSeconds: 3600,
  routes: { api: 3, config: 1 },
  websocketsOpen: 2,
  store: { kind: 'redis', connected: false, location: 'redis://127.0.0.1:6379', lastSync: null },
  pools: [
    {
      name: 'gateway',
      healthy: 1,
      total: 2,
      check: { path: '/healthz', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
      members: [
        { url: 'http://10.0.0.11:4000', healthy: true, since: '2026-01-01T11:00:00.000Z', reason: null, lastCheck: { at: '2026-01-01T11:59:58.000Z', ok: true, latencyMs: 1.4, detail: 'HTTP 200' }, checks: { ok: 10, failed: 0 }, ejections: 0, requests: 5 },
        { url: 'http://10.0.0.12:4000', healthy: false, since: '2026-01-01T11:59:30.000Z', reason: 'ejected: <connection refused>', lastCheck: null, checks: { ok: 0, failed: 3 }, ejections: 1, requests: 0 },
      ],
    },
  ],
};

describe('status page', () => {
  const html = renderStatusPage(status, now);

  it('lists each pool with its members, health, last check and latency', () => {
    expect(html).toContain('Pool <code>gateway</code> — 1 of 2 in rotation');
    expect(html).toContain('check GET <code>/healthz</code> every 2s, timeout 1s, rise 2, fall 2');
    expect(html).toContain('<td class="up">up</td>');
    expect(html).toContain('2s ago · HTTP 200 · 1.4 ms');
    expect(html).toContain('<td class="down">down</td>');
    expect(html).toContain('not yet checked');
  });

  it('escapes what it shows and warns when Redis is not connected', () => {
    expect(html).toContain('ejected: &lt;connection refused&gt;');
    expect(html).not.toContain('<connection refused>');
    expect(html).toContain('Redis redis://127.0.0.1:6379 (NOT CONNECTED)');
  });
});
