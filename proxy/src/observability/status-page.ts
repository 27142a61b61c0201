import { formatDuration } from '../config/duration';
import { escapeHtml } from '../error-pages';
import type { SshStatus } from '../ssh/ssh-status';
import type { ProxyStatus } from './status';

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

function sshSection(ssh: SshStatus, now: number): string {
  const e = escapeHtml;
  const rows = ssh.nodes
    .map((n) => {
      const state = !n.healthy ? '<td class="down">down</td>' : n.drained ? '<td class="drained">drained</td>' : '<td class="up">up</td>';
      const check = n.lastCheck ? `${e(ago(n.lastCheck.at, now))} · ${e(n.lastCheck.detail)}` : 'not yet checked';
      const load = n.load ? `${n.load.load1} on ${n.load.cpus} CPUs, ${n.load.users} users` : '';
      const probe = n.lastProbe && !n.lastProbe.ok ? ` — probe failed ${e(ago(n.lastProbe.at, now))}: ${e(n.lastProbe.detail)}` : '';
      const c = n.connections;
      return `<tr><td><code>${e(n.name)}</code> ${e(n.address)}</td>${state}<td>${e(ago(n.since, now))}${n.reason ? ` — ${e(n.reason)}` : ''}</td><td>${check}</td><td>${n.score ?? '—'}</td><td>${e(load)}${probe}</td><td>${n.weight}</td><td>${c.open}</td><td>${c.total}</td><td>${c.failedAttempts}</td></tr>`;
    })
    .join('\n');
  const up = ssh.nodes.filter((n) => n.healthy && !n.drained).length;
  const c = ssh.check;
  return `<h2>SSH front <code>${e(ssh.listen)}</code> — ${up} of ${ssh.nodes.length} login nodes take connections</h2>
<p class="muted">policy ${e(ssh.policy)} · check: SSH banner every ${formatDuration(c.intervalMs)}, timeout ${formatDuration(c.timeoutMs)}, rise ${c.rise}, fall ${c.fall}${ssh.probe ? ` · load probe every ${formatDuration(ssh.probe.intervalMs)}: <code>${e(ssh.probe.command)}</code>` : ''} · connections open: ${ssh.connectionsOpen}</p>
<table><thead><tr><th>node</th><th>state</th><th>since</th><th>last check</th><th>score</th><th>load</th><th>weight</th><th>open</th><th>total</th><th>failed attempts</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** The human status page (/status): pools, members, health, last check and its latency. Refreshes itself. */
export function renderStatusPage(status: ProxyStatus, now = Date.now()): string {
  const e = escapeHtml;
  const pools = status.pools
    .map((p) => {
      const rows = p.members
        .map((m) => {
          const state = m.healthy ? '<td class="up">up</td>' : '<td class="down">down</td>';
          const last = m.lastCheck
            ? `${e(ago(m.lastCheck.at, now))} · ${e(m.lastCheck.detail)}${m.lastCheck.latencyMs === null ? '' : ` · ${m.lastCheck.latencyMs} ms`}`
            : 'not yet checked';
          return `<tr><td><code>${e(m.url)}</code></td>${state}<td>${e(ago(m.since, now))}${m.reason ? ` — ${e(m.reason)}` : ''}</td><td>${last}</td><td>${m.checks.ok} / ${m.checks.failed}</td><td>${m.ejections}</td><td>${m.requests}</td></tr>`;
        })
        .join('\n');
      const c = p.check;
      return `<h2>Pool <code>${e(p.name)}</code> — ${p.healthy} of ${p.total} in rotation</h2>
<p class="muted">check GET <code>${e(c.path)}</code> every ${formatDuration(c.intervalMs)}, timeout ${formatDuration(c.timeoutMs)}, rise ${c.rise}, fall ${c.fall}</p>
<table><thead><tr><th>member</th><th>health</th><th>since</th><th>last check</th><th>checks ok / failed</th><th>ejections</th><th>requests</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
    })
    .join('\n');
  const store = status.store.kind === 'redis' ? `Redis ${e(status.store.location ?? '')} (${status.store.connected ? 'connected' : 'NOT CONNECTED'})` : 'memory (this process only)';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>hpcg-proxy status</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
.up{background:#dfd}.down{background:#fdd;font-weight:bold}.drained{background:#ffd}.muted{color:#666}</style></head>
<body><h1>hpcg-proxy</h1>
<p>up ${e(formatDuration(status.uptimeSeconds * 1000))}${status.workers > 1 ? ` · ${status.workers} worker processes` : ''} · routes: ${status.routes.api} from the API, ${status.routes.config} configured · websockets open: ${status.websocketsOpen} · route store: ${store}</p>
${pools || '<p class="muted">No pools are configured (proxy.http.pools).</p>'}
${status.ssh ? sshSection(status.ssh, now) : ''}
<p class="muted">JSON: <a href="/api/status">/api/status</a> · Prometheus: <a href="/metrics">/metrics</a></p>
</body></html>
`;
}
