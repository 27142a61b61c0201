import { request, waitFor } from '../../../test/proxy/http-client';
import { type HttpUpstream, freePort, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { type RunningProxy, startProxy } from '../../../test/proxy/proxy-harness';
import { nextMessage, openWs, startWsUpstream } from '../../../test/proxy/ws-upstream';
import type { ProxyStatus } from './status';

describe('metrics, status API and status page', () => {
  let app: HttpUpstream;
  let deadUrl: string;
  let proxy: RunningProxy;

  beforeAll(async () => {
    app = await startHttpUpstream('app');
    deadUrl = `http://127.0.0.1:${await freePort()}`;
    proxy = await startProxy({
      pools: { web: { members: [app.url, deadUrl], check: { path: '/healthz', interval: '500ms', timeout: '500ms', rise: 1, fall: 2 } } },
      routes: { '/app': 'pool:web' },
    });
    await waitFor('the dead member to be found out', () => !proxy.server.pools.get('web')!.members[1].health.healthy);
  });
  afterAll(async () => {
    await proxy.stop();
    await app.close();
  });

  const metric = (text: string, name: string, labels: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts requests by route and status, upstream latency, API requests and routes', async () => {
    for (let i = 0; i < 3; i++) expect((await request(`${proxy.publicUrl}/app/x`)).status).toBe(200);
    await request(`${proxy.publicUrl}/nothing-here`);
    await proxy.api('POST', '/api/routes/user/zoe', { target: app.url });
    await request(`${proxy.publicUrl}/user/zoe/tree`);
    const res = await request(`${proxy.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(metric(text, 'hpcg_proxy_requests_total', 'route="/app",status="200"')).toBe(3);
    expect(metric(text, 'hpcg_proxy_requests_total', 'route="(no route)",status="404"')).toBe(1);
    expect(metric(text, 'hpcg_proxy_requests_total', 'route="/user/*",status="200"')).toBe(1);
    expect(metric(text, 'hpcg_proxy_upstream_response_seconds_count', 'route="/app"')).toBe(3);
    expect(metric(text, 'hpcg_proxy_api_requests_total', 'method="POST",status="201"')).toBe(1);
    expect(metric(text, 'hpcg_proxy_routes', 'source="api"')).toBe(1);
    expect(metric(text, 'hpcg_proxy_routes', 'source="config"')).toBe(1);
    expect(text).toContain('hpcg_proxy_process_cpu_seconds_total');
  });

  it('reports pool member health and check latency', async () => {
    const text = (await request(`${proxy.metricsUrl}/metrics`)).body;
    expect(metric(text, 'hpcg_proxy_pool_member_up', `pool="web",member="${app.url}"`)).toBe(1);
    expect(metric(text, 'hpcg_proxy_pool_member_up', `pool="web",member="${deadUrl}"`)).toBe(0);
    expect(metric(text, 'hpcg_proxy_pool_healthy_members', 'pool="web"')).toBe(1);
    expect(metric(text, 'hpcg_proxy_pool_member_check_seconds', `pool="web",member="${app.url}"`)).toBeGreaterThan(0);
  });

  it('counts open websockets', async () => {
    const ws = await startWsUpstream('ws');
    await proxy.api('POST', '/api/routes/ws', { target: ws.url });
    const client = await openWs(`${proxy.publicUrl.replace('http:', 'ws:')}/ws/x`);
    try {
      client.send('x');
      await nextMessage(client);
      const text = (await request(`${proxy.metricsUrl}/metrics`)).body;
      expect(metric(text, 'hpcg_proxy_websockets_open', '')).toBeUndefined(); // no labels: plain line
      expect(text).toMatch(/^hpcg_proxy_websockets_open 1$/m);
      expect(metric(text, 'hpcg_proxy_websockets_total', 'route="/ws"')).toBe(1);
      expect((JSON.parse((await request(`${proxy.metricsUrl}/api/status`)).body) as ProxyStatus).websocketsOpen).toBe(1);
    } finally {
      client.close();
      await ws.close();
    }
    await waitFor('the websocket gauge to drop', async () => /^hpcg_proxy_websockets_open 0$/m.test((await request(`${proxy.metricsUrl}/metrics`)).body));
  });

  it('serves a JSON status with pools, members, health, last check and latency', async () => {
    const status = JSON.parse((await request(`${proxy.metricsUrl}/api/status`)).body) as ProxyStatus;
    expect(status.store).toEqual({ kind: 'memory', connected: true, location: null, lastSync: null });
    expect(status.pools).toHaveLength(1);
    const [live, dead] = status.pools[0].members;
    expect(status.pools[0]).toMatchObject({ name: 'web', healthy: 1, total: 2, check: { path: '/healthz', intervalMs: 500, timeoutMs: 500, rise: 1, fall: 2 } });
    expect(live).toMatchObject({ url: app.url, healthy: true, reason: null, lastCheck: { ok: true, detail: 'HTTP 200', latencyMs: expect.any(Number) } });
    expect(dead).toMatchObject({ url: deadUrl, healthy: false, reason: 'health check: connection refused', lastCheck: { ok: false, latencyMs: null } });
    expect(Date.now() - Date.parse(live.lastCheck!.at)).toBeLessThan(2000);
  });

  it('serves the human status page', async () => {
    const res = await request(`${proxy.metricsUrl}/status`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Pool <code>web</code> — 1 of 2 in rotation');
    expect(res.body).toContain(deadUrl);
  });

  it('answers /healthz, 404 elsewhere and 405 for other methods', async () => {
    expect((await request(`${proxy.metricsUrl}/healthz`)).status).toBe(200);
    expect((await request(`${proxy.metricsUrl}/nope`)).status).toBe(404);
    expect((await request(`${proxy.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('logs pool changes and proxy errors as JSON lines with request id and client', async () => {
    expect(proxy.logs.find((l) => l.msg === 'pool member out of rotation')).toMatchObject({ level: 40, pool: 'web', member: deadUrl, healthy: 1, total: 2 });
    await proxy.api('POST', '/api/routes/broken', { target: deadUrl });
    const res = await request(`${proxy.publicUrl}/broken/x?secret=1`);
    const entry = proxy.logs.find((l) => l.msg === 'proxy error' && l.requestId === res.headers['x-request-id']);
    expect(entry).toMatchObject({ service: 'hpcg-proxy', client: '127.0.0.1', method: 'GET', path: '/broken/x', route: '/broken', upstream: deadUrl, status: 503 });
  });
});
