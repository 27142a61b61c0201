import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxyStatus } from '../observability/status';
import { request, waitFor } from '../../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { TEST_TOKEN } from '../../../test/proxy/proxy-harness';
import { type ProxyProcess, portOf, runProxyProcess } from '../../../test/proxy/proxy-process';
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/proxy/redis';

jest.setTimeout(60_000);

/** hpcg-proxy with proxy.http.workers: 2, as a real process tree. */
describe('worker processes', () => {
  let up: HttpUpstream;
  let dir: string;
  let prefix: string;
  let proxy: ProxyProcess;
  let publicUrl: string;
  let apiUrl: string;
  let metricsUrl: string;

  beforeAll(async () => {
    up = await startHttpUpstream('up', (req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`served ${req.url}`);
      }, req.url?.endsWith('/slow') ? 500 : 0);
    });
    dir = mkdtempSync(join(tmpdir(), 'hpcg-proxy-workers-'));
    prefix = uniquePrefix();
    const file = join(dir, 'hpcg.yaml');
    writeFileSync(file, `proxy:\n  http:\n    workers: 2\n    store: redis\n    redis: { url: "${SHARED_REDIS_URL}", keyPrefix: "${prefix}" }\n`);
    proxy = runProxyProcess(['--config', file, '--ip', '127.0.0.1', '--port', '0', '--api-port', '0', '--metrics-ip', '127.0.0.1', '--metrics-port', '0', '--log-level', 'info']);
    const ready = (await waitFor('the ready line', () => proxy.lines.find((l) => l.msg === 'hpcg-proxy ready'), 30_000))!;
    expect(ready.workers).toBe(2);
    publicUrl = `http://127.0.0.1:${portOf(ready.listen)}`;
    apiUrl = `http://127.0.0.1:${portOf(ready.api)}`;
    metricsUrl = `http://127.0.0.1:${portOf(ready.metrics)}`;
  });
  afterAll(async () => {
    proxy.child.kill('SIGKILL');
    await proxy.exit;
    await up.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const api = (method: string, path: string, body?: unknown) =>
    request(`${apiUrl}${path}`, { method, headers: { Authorization: `token ${TEST_TOKEN}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const workerPids = () => proxy.lines.filter((l) => l.msg === 'worker serving').map((l) => Number(l.workerPid));

  it('serves a route added through the API from every worker, with metrics and status combined', async () => {
    expect((await api('POST', '/api/routes/user/w', { target: up.url })).status).toBe(201);
    await waitFor('both workers to have the route', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => request(`${publicUrl}/user/w/x`)));
      return results.every((r) => r.status === 200);
    }, 5000);
    for (let i = 0; i < 20; i++) expect((await request(`${publicUrl}/user/w/n${i}`)).status).toBe(200);

    const status = JSON.parse((await request(`${metricsUrl}/api/status`)).body) as ProxyStatus;
    expect(status.workers).toBe(2);
    expect(status.routes.api).toBe(1);
    const metrics = (await request(`${metricsUrl}/metrics`)).body;
    const served = Number(/^hpcg_proxy_requests_total\{route="\/user\/\*",status="200"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(served).toBeGreaterThanOrEqual(28);
    expect(new Set(workerPids()).size).toBe(2);
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const [victim] = workerPids();
    process.kill(victim, 'SIGKILL');
    await waitFor('a replacement worker', () => workerPids().length === 3, 15_000);
    expect(proxy.lines.find((l) => l.msg === 'worker died; starting a new one')).toMatchObject({ workerPid: victim, signal: 'SIGKILL' });
    for (let i = 0; i < 10; i++) expect((await request(`${publicUrl}/user/w/after${i}`)).status).toBe(200);
  });

  it('drains every worker on SIGTERM: in-flight requests finish, then the whole tree exits 0', async () => {
    const slow = request(`${publicUrl}/user/w/slow`);
    await waitFor('the slow request upstream', () => up.seen.some((s) => s.url === '/user/w/slow'));
    proxy.child.kill('SIGTERM');
    expect((await slow).body).toBe('served /user/w/slow');
    expect(await proxy.exit).toBe(0);
    for (const pid of workerPids()) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('worker processes without Redis', () => {
  it('are refused, naming the setting', async () => {
    const p = runProxyProcess(['--workers', '2', '--store', 'memory']);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain('--workers: more than one worker shares routes through Redis');
  });
});
