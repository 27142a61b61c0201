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
  ssh: {
    listen: '0.0.0.0:22',
    policy: 'least-loaded',
    check: { intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
    probe: { command: 'cat /proc/loadavg; nproc; who | wc -l', intervalMs: 10000 },
    connectionsOpen: 3,
    nodes: [
      {
        name: 'login1', address: '10.0.1.1:22', weight: 1, healthy: true, drained: false, since: '2026-01-01T11:00:00.000Z', reason: null,
        lastCheck: { at: '2026-01-01T11:59:59.000Z', ok: true, latencyMs: 0.8, detail: 'SSH-2.0-OpenSSH_9.2p1' },
        checks: { ok: 100, failed: 0 }, score: 0.25, load: { load1: 2, cpus: 8, users: 3, at: '2026-01-01T11:59:55.000Z' },
        lastProbe: { at: '2026-01-01T11:59:55.000Z', ok: true, detail: 'load 2' }, connections: { open: 3, total: 40, failedAttempts: 0 },
      },
      {
        name: 'login2', address: '10.0.1.2:22', weight: 2, healthy: true, drained: true, since: '2026-01-01T11:00:00.000Z', reason: null,
        lastCheck: null, checks: { ok: 0, failed: 0 }, score: null, load: null,
        lastProbe: { at: '2026-01-01T11:59:50.000Z', ok: false, detail: 'All configured authentication methods failed' }, connections: { open: 0, total: 7, failedAttempts: 2 },
      },
    ],
  },
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

  it('shows the SSH front with each node\'s state, score, load and connections', () => {
    expect(html).toContain('SSH front <code>0.0.0.0:22</code> — 1 of 2 login nodes take connections');
    expect(html).toContain('policy least-loaded · check: SSH banner every 2s, timeout 1s, rise 2, fall 2 · load probe every 10s');
    expect(html).toContain('<td>0.25</td><td>2 on 8 CPUs, 3 users</td><td>1</td><td>3</td><td>40</td><td>0</td>');
    expect(html).toContain('<td class="drained">drained</td>');
    expect(html).toContain('probe failed 10s ago: All configured authentication methods failed');
  });

  it('escapes what it shows and warns when Redis is not connected', () => {
    expect(html).toContain('ejected: &lt;connection refused&gt;');
    expect(html).not.toContain('<connection refused>');
    expect(html).toContain('Redis redis://127.0.0.1:6379 (NOT CONNECTED)');
  });
});
