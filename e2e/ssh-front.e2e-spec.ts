import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, waitFor } from '../test/proxy/http-client';
import { TEST_TOKEN } from '../test/proxy/proxy-harness';
import { type ProxyProcess, portOf, runProxyProcess } from '../test/proxy/proxy-process';
import { type LoginNodes, loadProbeCommand, sshClientArgs, startLoginNodes } from '../test/proxy/sshd';
import type { SshStatus } from '../proxy/src/ssh/ssh-status';
import { stringify } from 'yaml';

/**
 * The SSH front as a site runs it: the built hpcg-proxy process in front of three real OpenSSH
 * sshd login nodes, used with the real `ssh` and `scp` clients.
 */

interface Front {
  proxy: ProxyProcess;
  sshPort: number;
  apiUrl: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

const CHECK = { interval: '500ms', timeout: '400ms', rise: 2, fall: 2 };

async function startFront(dir: string, name: string, ssh: Record<string, unknown>): Promise<Front> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({ proxy: { http: { listen: '127.0.0.1:0', api: '127.0.0.1:0', metrics: '127.0.0.1:0', store: 'memory' }, ssh: { listen: '127.0.0.1:0', check: CHECK, ...ssh } } }));
  const proxy = runProxyProcess(['--config', file, '--log-level', 'info']);
  const ready = (await waitFor('hpcg-proxy ready', () => proxy.lines.find((l) => l.msg === 'hpcg-proxy ready'), 20_000).catch((e: Error): never => {
    throw new Error(`${e.message}\n${proxy.stderr()}`);
  }))!;
  return {
    proxy,
    sshPort: portOf(ready.ssh),
    apiUrl: `http://127.0.0.1:${portOf(ready.api)}`,
    metricsUrl: `http://127.0.0.1:${portOf(ready.metrics)}`,
    async stop() {
      proxy.child.kill('SIGTERM');
      await proxy.exit;
    },
  };
}

function run(command: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : -1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

describe('SSH front in front of three real sshd', () => {
  jest.setTimeout(180_000);
  let nodes: LoginNodes;
  let dir: string;

  beforeAll(async () => {
    nodes = await startLoginNodes(['login1', 'login2', 'login3']);
    dir = mkdtempSync(join(tmpdir(), 'hpcg-ssh-e2e-'));
  });
  afterAll(async () => {
    await nodes?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const nodeList = () => nodes.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port }));
  /** One login through the front with the real ssh client; resolves with the node it landed on. */
  const login = async (front: Front, command = 'echo $LOGIN_NODE') => {
    const r = await run('ssh', [...sshClientArgs(front.sshPort, nodes.userKey), `${nodes.user}@127.0.0.1`, command]);
    return { ok: r.code === 0, node: r.out.trim(), err: r.err.trim() };
  };
  const sshStatus = async (front: Front) => JSON.parse((await request(`${front.apiUrl}/api/ssh/nodes`, { headers: { Authorization: `token ${TEST_TOKEN}` } })).body) as SshStatus;

  it('300 sequential logins with a node killed and restarted: no failed login, the dead node gets nothing once detected, and it rejoins after `rise` checks', async () => {
    const front = await startFront(dir, 'failover', { policy: 'round-robin', nodes: nodeList() });
    const victim = nodes.nodes[1];
    const failures: string[] = [];
    const landed: { i: number; node: string; at: number }[] = [];
    let killedAt = 0;
    let restartedAt = 0;
    try {
      for (let i = 0; i < 300; i++) {
        if (i === 100) {
          await victim.kill();
          killedAt = Date.now();
        }
        if (i === 200) {
          await victim.restart();
          restartedAt = Date.now();
        }
        const r = await login(front);
        if (!r.ok || !/^login[123]$/.test(r.node)) failures.push(`login ${i}: ${r.err || r.node}`);
        else landed.push({ i, node: r.node, at: Date.now() });
      }
    } finally {
      await front.stop();
    }
    const logs = front.proxy.lines;
    const time = (l: Record<string, unknown>) => Date.parse(String(l.time));
    const down = logs.find((l) => l.msg === 'ssh node out of rotation' && l.node === victim.name)!;
    const up = logs.find((l) => l.msg === 'ssh node back in rotation' && l.node === victim.name)!;
    const checksBackMs = time(up) - restartedAt;
    process.stdout.write(
      `ssh failover: ${landed.length} logins ok, ${failures.length} failed; ${victim.name} out of rotation ${time(down) - killedAt} ms after the kill (${String(down.reason)}), back ${checksBackMs} ms after the restart\n`,
    );
    expect(failures).toEqual([]);
    expect(landed).toHaveLength(300);
    expect(time(down) - killedAt).toBeLessThanOrEqual(2000);
    // After detection, not one connection or attempt reaches the dead node until it is back: at most
    // the one refused attempt that detected it (the client then went on to the next node).
    const attemptsOnVictim = logs.filter((l) => JSON.stringify(l.failedAttempts ?? []).includes(`"${victim.name}"`));
    expect(attemptsOnVictim.length).toBeLessThanOrEqual(1);
    expect(logs.filter((l) => l.msg === 'ssh connection opened' && l.node === victim.name && time(l) > time(down) && time(l) < time(up))).toEqual([]);
    expect(landed.filter((l) => l.i >= 100 && l.i < 200 && l.node === victim.name)).toEqual([]);
    // Back only after `rise` (2) good checks 500 ms apart, and then it takes logins again.
    expect(checksBackMs).toBeGreaterThanOrEqual(400);
    expect(checksBackMs).toBeLessThanOrEqual(2 * 500 + 400 + 500);
    expect(landed.filter((l) => l.i >= 200 && l.node === victim.name).length).toBeGreaterThan(20);
    for (const name of ['login1', 'login3']) expect(landed.filter((l) => l.node === name).length).toBeGreaterThan(100);
  });

  it('sends new logins to the least-loaded node as the probes report it, and drains a node without cutting its sessions', async () => {
    nodes.setLoad('login1', 3.0);
    nodes.setLoad('login2', 1.0);
    nodes.setLoad('login3', 2.0);
    const front = await startFront(dir, 'least-loaded', {
      policy: 'least-loaded',
      probe: { user: nodes.user, keyFile: nodes.probeKey, command: loadProbeCommand(nodes.dir), interval: '1s', timeout: '2s' },
      nodes: nodeList(),
    });
    try {
      const status = (await waitFor('load scores of every node', async () => {
        const s = await sshStatus(front);
        return s.nodes.every((n) => n.score !== null) ? s : null;
      }))!;
      expect(status.nodes.map((n) => n.load?.load1)).toEqual([3, 1, 2]);
      for (let i = 0; i < 8; i++) expect(await login(front)).toMatchObject({ ok: true, node: 'login2' });

      nodes.setLoad('login3', 0.0);
      await waitFor('login3 to report its new load', async () => (await sshStatus(front)).nodes[2].load?.load1 === 0, 5000);
      for (let i = 0; i < 5; i++) expect(await login(front)).toMatchObject({ ok: true, node: 'login3' });

      // A session on login3 that outlives the drain.
      const session = login(front, 'echo $LOGIN_NODE; sleep 2; echo still-here');
      await waitFor('the session to be open', async () => (await sshStatus(front)).nodes[2].connections.open === 1);
      const drained = await request(`${front.apiUrl}/api/ssh/nodes/login3/drain`, { method: 'POST', headers: { Authorization: `token ${TEST_TOKEN}` } });
      expect(drained.status).toBe(200);
      expect(JSON.parse(drained.body)).toMatchObject({ name: 'login3', drained: true, connections: { open: 1 } });
      for (let i = 0; i < 4; i++) expect(await login(front)).toMatchObject({ ok: true, node: 'login2' });
      expect(await session).toMatchObject({ ok: true, node: 'login3\nstill-here' });
      const page = (await request(`${front.metricsUrl}/status`)).body;
      expect(page).toContain('<td class="drained">drained</td>');

      const undrained = await request(`${front.apiUrl}/api/ssh/nodes/login3/drain`, { method: 'DELETE', headers: { Authorization: `token ${TEST_TOKEN}` } });
      expect(JSON.parse(undrained.body)).toMatchObject({ name: 'login3', drained: false });
      expect(await login(front)).toMatchObject({ ok: true, node: 'login3' });

      const metrics = (await request(`${front.metricsUrl}/metrics`)).body;
      expect(metrics).toMatch(/^hpcg_proxy_ssh_connections_total\{node="login2"\} 12$/m);
      expect(metrics).toMatch(/^hpcg_proxy_ssh_node_load_score\{node="login1"\} 0\.75$/m);
      expect(metrics).toMatch(/^hpcg_proxy_ssh_node_up\{node="login3"\} 1$/m);
      const opened = front.proxy.lines.find((l) => l.msg === 'ssh connection opened');
      expect(opened).toMatchObject({ client: expect.stringMatching(/^127\.0\.0\.1:\d+$/), node: 'login2' });
    } finally {
      await front.stop();
      for (const n of nodes.nodes) nodes.setLoad(n.name, 0.5);
    }
  });

  it('carries an scp of a 200 MB file intact, both ways', async () => {
    const front = await startFront(dir, 'scp', { policy: 'least-connections', nodes: nodeList() });
    const source = join(dir, 'big.bin');
    const copy = join(dir, 'big-copy.bin');
    const back = join(dir, 'big-back.bin');
    try {
      const gen = await run('sh', ['-c', `head -c ${200 * 1024 * 1024} /dev/urandom > ${source}`], 60_000);
      expect(gen.code).toBe(0);
      const scpArgs = sshClientArgs(front.sshPort, nodes.userKey).map((a) => (a === '-p' ? '-P' : a));
      const started = Date.now();
      const up = await run('scp', [...scpArgs, source, `${nodes.user}@127.0.0.1:${copy}`], 120_000);
      const upMs = Date.now() - started;
      expect(up).toMatchObject({ code: 0 });
      const down = await run('scp', [...scpArgs, `${nodes.user}@127.0.0.1:${copy}`, back], 120_000);
      expect(down).toMatchObject({ code: 0 });
      const [a, b, c] = await Promise.all([source, copy, back].map(sha256));
      process.stdout.write(`ssh scp: 200 MB up in ${upMs} ms through the front\n`);
      expect(b).toBe(a);
      expect(c).toBe(a);
    } finally {
      await front.stop();
      for (const f of [source, copy, back]) rmSync(f, { force: true });
    }
  });
});

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
