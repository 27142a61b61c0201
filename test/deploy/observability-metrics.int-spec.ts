import { freePort } from '../support/free-port';
import { GatewayFixture, eventually } from '../support/gateway-fixture';
import { gql } from '../support/graphql-client';
import { type RunningProxy, startProxy } from '../proxy/proxy-harness';
import { alertQueries, dashboardQueries, exposedNames, metricNames } from './observability-files';

jest.setTimeout(120_000);

/**
 * The dashboard and the alerts query only series the processes really export: a gateway API and worker
 * (from the build, as a site runs them) that have run one job, and an hpcg-proxy with a pool in front of
 * that API and an SSH front, each scraped on /metrics.
 */
describe('deploy/observability against running processes', () => {
  let gw: GatewayFixture;
  let proxy: RunningProxy;
  const exposed = new Map<string, Set<string>>();
  const texts = new Map<string, string>();

  beforeAll(async () => {
    gw = await GatewayFixture.start();
    const worker = await gw.startWorker();
    const token = await gw.user('deploy-metrics');
    const submitted = await gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, `mutation($s: String!, $cwd: String) { submitBatchScript(script: $s, cwd: $cwd) { jobId } }`, { s: '#!/bin/sh\necho metrics\n', cwd: gw.dir });
    const id = submitted.submitBatchScript.jobId;
    await eventually(async () => (await gql<{ job: { state: string } }>(gw.url, token, `query($id: Int!) { job(id: $id) { state } }`, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);
    // A login node that refuses connections: the SSH front exports its series all the same.
    const closedPort = await freePort();
    proxy = await startProxy(
      { pools: { gateway: { members: [gw.url], check: { path: '/healthz', interval: '1s', rise: 1, fall: 1 } } }, routes: { '/': 'pool:gateway' } },
      {},
      {},
      { policy: 'round-robin', check: { interval: '10s', timeout: '1s' }, nodes: [{ name: 'login1', host: '127.0.0.1', port: closedPort }] },
    );
    await eventually(async () => (await fetch(`${proxy.publicUrl}/healthz`)).ok, 20_000, 'the proxy to reach the API through its pool');
    // Two sync passes after the job ended: the worker has stamped its engine's last pass.
    await new Promise((r) => setTimeout(r, 1000));
    for (const [who, url] of [['api', gw.url], ['worker', worker.url], ['proxy', proxy.metricsUrl]] as const) {
      const res = await fetch(`${url}/metrics`);
      expect([who, res.status]).toEqual([who, 200]);
      texts.set(who, await res.text());
      exposed.set(who, exposedNames(texts.get(who)!));
    }
  });

  afterAll(async () => {
    await proxy?.stop();
    await gw?.stop();
  });

  const all = () => new Set([...exposed.values()].flatMap((s) => [...s]));

  it('each process exports its own series with the values of what happened (the scrape is real)', () => {
    expect(texts.get('api')).toMatch(/^hpcg_submissions_total\{outcome="accepted"\} 1$/m);
    // The worker's engine is `local` (the fixture's site file); its last pass is recent.
    const stamp = Number(/^hpcg_engine_last_sync_timestamp_seconds\{engine="local"\} ([\d.e+]+)$/m.exec(texts.get('worker') ?? '')?.[1]);
    expect(Date.now() / 1000 - stamp).toBeLessThan(30);
    expect(texts.get('worker')).toMatch(/^hpcg_engine_call_seconds_count\{engine="local",op="submit",outcome="ok"\} 1$/m);
    expect(texts.get('proxy')).toMatch(/^hpcg_proxy_pool_member_up\{pool="gateway",member="http:\/\/127\.0\.0\.1:\d+\/?"\} 1$/m);
    // 1 until its first checks fail (`fall`), then 0: either way, one series per login node.
    expect(texts.get('proxy')).toMatch(/^hpcg_proxy_ssh_node_up\{node="login1"\} [01]$/m);
    expect(all().has('hpcg_no_such_series')).toBe(false);
  });

  it('every metric the Grafana dashboard queries is exported', () => {
    const names = all();
    const missing = dashboardQueries().flatMap((q) => metricNames(q.expr).filter((n) => !names.has(n)).map((n) => `${q.panel}: ${n}`));
    expect(missing).toEqual([]);
  });

  it('every metric an alert rule queries is exported', () => {
    const names = all();
    const missing = alertQueries().flatMap((a) => metricNames(a.expr).filter((n) => !names.has(n)).map((n) => `${a.alert}: ${n}`));
    expect(missing).toEqual([]);
  });
});
