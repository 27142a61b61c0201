import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../support/gateway-process';

type Obj = Record<string, any>;

export const OBSERVABILITY_DIR = join(ROOT, 'deploy', 'observability');

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY_DIR, 'grafana-dashboard.json'), 'utf8')) as Obj;
  const panels = (dashboard.panels as Obj[]).flatMap((p) => [p, ...(p.panels ?? [])]);
  return panels.flatMap((p) => (p.targets ?? []).map((t: Obj) => ({ panel: p.title as string, expr: t.expr as string })));
}

/** Every alert rule's expression. */
export function alertQueries(): { alert: string; expr: string }[] {
  const rules = parse(readFileSync(join(OBSERVABILITY_DIR, 'alerts.yaml'), 'utf8')) as Obj;
  return (rules.groups as Obj[]).flatMap((g) => (g.rules as Obj[]).map((r) => ({ alert: r.alert as string, expr: r.expr as string })));
}

/** Runs Debian's promtool (package prometheus, installed by scripts/test-deps/deploy.sh). */
export function promtool(args: string[], cwd = OBSERVABILITY_DIR): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool could not run: ${r.error.message} (Debian's package prometheus provides it; scripts/test-deps/deploy.sh installs it)`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * promtool parses PromQL only inside rule files: the expressions go into a throw-away file as
 * recording rules, so promtool's own parser (Prometheus 2.42) judges each one. Grafana's
 * $__rate_interval becomes 5m, as Grafana substitutes it before the query reaches Prometheus.
 */
export function checkExpressions(exprs: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-promql-'));
  try {
    const rules = exprs.map((expr, i) => ({ record: `hpcg_dashboard:query_${i}`, expr: expr.replaceAll('$__rate_interval', '5m') }));
    writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
    return promtool(['check', 'rules', 'queries.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/**
 * The series names a PromQL expression selects. For expressions promtool has parsed: strings, label
 * matchers ({...}), grouping and matching label lists, ranges and durations are removed; what remains
 * is function names (followed by "("), keywords, numbers and metric names.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$__\w+/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice((m.index ?? 0) + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names].sort();
}

/**
 * The series names a Prometheus text exposition offers: those with samples, and those its `# TYPE` lines
 * declare (a labelled counter nothing has counted yet, a gauge absent while unknown, still has its name;
 * a histogram's name stands for its _bucket, _sum and _count series).
 */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/.exec(line);
    if (declared) {
      const [, name, type] = declared;
      const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of suffixes) names.add(name + suffix);
    } else if (line && !line.startsWith('#')) {
      names.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? '');
    }
  }
  return names;
}
