import { formatDuration } from '../config/duration';
import { escapeHtml } from '../error-pages';
import type { ProxyStatus } from './status';

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
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
.up{background:#dfd}.down{background:#fdd;font-weight:bold}.muted{color:#666}</style></head>
<body><h1>hpcg-proxy</h1>
<p>up ${e(formatDuration(status.uptimeSeconds * 1000))}${status.workers > 1 ? ` · ${status.workers} worker processes` : ''} · routes: ${status.routes.api} from the API, ${status.routes.config} configured · websockets open: ${status.websocketsOpen} · route store: ${store}</p>
${pools || '<p class="muted">No pools are configured (proxy.http.pools).</p>'}
<p class="muted">JSON: <a href="/api/status">/api/status</a> · Prometheus: <a href="/metrics">/metrics</a></p>
</body></html>
`;
}
