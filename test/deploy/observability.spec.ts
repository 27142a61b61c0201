import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBSERVABILITY_DIR, alertQueries, checkExpressions, dashboardQueries, exposedNames, metricNames, promtool } from './observability-files';

describe('deploy/observability', () => {
  it('the alert rules pass promtool check rules', () => {
    const r = promtool(['check', 'rules', 'alerts.yaml']);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS: 10 rules found')]);
  });

  it('the example scrape configuration, with the rules it loads, passes promtool check config', () => {
    const r = promtool(['check', 'config', 'prometheus.yml']);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS: prometheus.yml is valid prometheus config file syntax')]);
  });

  it('the alerts fire when they should and stay quiet when they should (promtool test rules)', () => {
    const r = promtool(['test', 'rules', 'alerts.test.yaml']);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  it('cover the failures that matter: engine unreachable, sync lag, queue backlog, pool member down', () => {
    expect(alertQueries().map((a) => a.alert)).toEqual(expect.arrayContaining(['HpcgEngineUnreachable', 'HpcgSyncLagging', 'HpcgQueueBacklog', 'HpcgPoolMemberDown', 'HpcgLoginNodeDown']));
  });

  it('the Grafana dashboard is JSON whose every query promtool parses', () => {
    const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY_DIR, 'grafana-dashboard.json'), 'utf8'));
    expect([dashboard.uid, dashboard.schemaVersion]).toEqual(['hpc-gateway', 39]);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(25);
    const r = checkExpressions(queries.map((q) => q.expr));
    expect([r.status, r.output]).toEqual([0, expect.stringContaining(`SUCCESS: ${queries.length} rules found`)]);
  });

  it('a broken query is refused by promtool (the check is not vacuous)', () => {
    const r = checkExpressions(['sum by (engine (rate(hpcg_engine_call_seconds_count[5m]))']);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/parse error/);
  });

  it('reads metric names out of the queries, not label names, functions or keywords', () => {
    expect(metricNames('sum by (le, engine) (rate(hpcg_engine_call_seconds_bucket{op="syncAll", outcome=~"ok|x"}[$__rate_interval])) / on (engine) group_left max(hpcg_jobs) unless time() - hpcg_x > 0')).toEqual([
      'hpcg_engine_call_seconds_bucket',
      'hpcg_jobs',
      'hpcg_x',
    ]);
  });
});

describe('exposedNames', () => {
  it('reads sampled series and declared ones, a histogram standing for its three series', () => {
    const text = ['# HELP a_total x', '# TYPE a_total counter', '# TYPE h_seconds histogram', 'g{x="1"} 2', 'h_seconds_bucket{le="+Inf"} 0'].join('\n');
    expect([...exposedNames(text)].sort()).toEqual(['a_total', 'g', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum']);
  });
});
