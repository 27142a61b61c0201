import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, waitFor } from '../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../test/proxy/http-upstream';
import { TEST_TOKEN } from '../../test/proxy/proxy-harness';
import { portOf, runProxyProcess } from '../../test/proxy/proxy-process';

jest.setTimeout(30_000);

const run = runProxyProcess;

describe('hpcg-proxy (the process)', () => {
  let up: HttpUpstream;
  beforeAll(async () => {
    up = await startHttpUpstream('up', (req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`served ${req.url}`);
      }, req.url === '/slow' ? 500 : 0);
    });
  });
  afterAll(() => up.close());

  it('starts with CHP flags, proxies, and on SIGTERM finishes in-flight requests and exits 0', async () => {
    const p = run(['--ip', '127.0.0.1', '--port', '0', '--api-ip', '127.0.0.1', '--api-port', '0', '--metrics-port', '0', '--default-target', up.url, '--store', 'memory', '--log-level', 'info']);
    try {
      const ready = (await waitFor('the ready line', () => p.lines.find((l) => l.msg === 'hpcg-proxy ready'), 15_000))!;
      const port = portOf(ready.listen);
      const apiPort = portOf(ready.api);
      expect(ready).toMatchObject({ level: 30, service: 'hpcg-proxy', store: { kind: 'memory' }, routes: 1 });
      expect((await request(`http://127.0.0.1:${port}/hello`)).body).toBe('served /hello');
      const routes = await request(`http://127.0.0.1:${apiPort}/api/routes`, { headers: { Authorization: `token ${TEST_TOKEN}` } });
      expect(Object.keys(JSON.parse(routes.body))).toEqual(['/']);

      const slow = request(`http://127.0.0.1:${port}/slow`);
      await waitFor('the slow request upstream', () => up.seen.some((s) => s.url === '/slow'));
      p.child.kill('SIGTERM');
      const res = await slow;
      expect(res.body).toBe('served /slow');
      expect(await p.exit).toBe(0);
      expect(p.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: no new connections, finishing in-flight requests', 'stopped']));
      expect(JSON.stringify(p.lines)).not.toContain(TEST_TOKEN);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('exits 2 naming the key when the configuration is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-proxy-main-'));
    try {
      const file = join(dir, 'hpcg.yaml');
      writeFileSync(file, 'proxy:\n  http:\n    timeouts: { connect: fast }\n');
      const p = run(['--config', file]);
      expect(await p.exit).toBe(2);
      expect(p.stderr()).toContain(`hpcg-proxy: invalid configuration:\n  ${file}: proxy.http.timeouts.connect: a duration with a unit`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 without an API token, saying where to put one', async () => {
    const p = run(['--store', 'memory'], {});
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain('set CONFIGPROXY_AUTH_TOKEN (as JupyterHub does) or proxy.http.authTokenFile');
  });

  it('exits 2 for an unknown flag and 0 for --help', async () => {
    const bad = run(['--portt', '1']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain("unknown option '--portt'");
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain('--default-target <url>');
  });

  it('exits 1 with a clear message when a port is taken', async () => {
    const p = run(['--ip', '127.0.0.1', '--port', String(up.port), '--api-port', '0', '--metrics-port', '0', '--store', 'memory']);
    expect(await p.exit).toBe(1);
    expect(p.lines.find((l) => l.msg === 'hpcg-proxy could not start')).toMatchObject({
      level: 60,
      err: `cannot open the public listener (proxy.http.listen / --ip --port) on 127.0.0.1:${up.port}: the address is already in use`,
    });
  });
});
