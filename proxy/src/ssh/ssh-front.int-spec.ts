import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { cpus } from 'node:os';
import { Client } from 'ssh2';
import { request, waitFor } from '../../../test/proxy/http-client';
import { type RunningProxy, startProxy } from '../../../test/proxy/proxy-harness';
import { type LoginNodes, freeTcpPort, loadProbeCommand, startLoginNodes } from '../../../test/proxy/sshd';
import type { SshStatus } from './ssh-status';

jest.setTimeout(60_000);

/** A TCP server standing in for a broken node: it runs `onSocket` for every connection. */
async function fakeNode(onSocket: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Logs in through the front with ssh2 and runs `command`; resolves with its output. */
function ssh2Exec(port: number, nodes: LoginNodes, command: string, input?: Buffer): Promise<{ out: Buffer; banner: string }> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let banner = '';
    conn.on('error', reject);
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => chunks.push(d));
        stream.stderr.resume();
        stream.on('close', () => {
          conn.end();
          resolve({ out: Buffer.concat(chunks), banner });
        });
        stream.end(input);
      });
    });
    conn.connect({
      host: '127.0.0.1',
      port,
      username: nodes.user,
      privateKey: readFileSync(nodes.userKey),
      readyTimeout: 10_000,
      hostVerifier: () => true,
      debug: (line: string) => {
        const m = /Remote ident: '([^']+)'/.exec(line);
        if (m) banner = m[1];
      },
    });
  });
}

/** A raw TCP connection to the front (half-open allowed). */
function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

const metricValue = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('SSH front (in process) with real sshd', () => {
  let nodes: LoginNodes;
  let proxy: RunningProxy | null = null;

  beforeAll(async () => {
    nodes = await startLoginNodes(['login1', 'login2']);
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = null;
    for (const n of nodes.nodes) if (!n.running()) await n.restart();
  });
  afterAll(() => nodes?.stop());

  const status = () => proxy!.server.ssh!.status();
  const node = (s: SshStatus, name: string) => s.nodes.find((n) => n.name === name)!;

  it('checks health by banner alone: a killed node leaves rotation within fall × interval, returns after rise good checks', async () => {
    proxy = await startProxy({}, {}, {}, {
      policy: 'least-connections',
      check: { interval: '300ms', timeout: '250ms', rise: 3, fall: 2 },
      nodes: nodes.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port })),
    });
    await waitFor('first checks', () => status().nodes.every((n) => n.lastCheck?.ok));
    expect(node(status(), 'login2').lastCheck!.detail).toMatch(/^SSH-2\.0-OpenSSH_\S+ .*login2$/);
    const victim = nodes.nodes[1];
    await victim.kill();
    const killedAt = Date.now();
    await waitFor('login2 out of rotation', () => !node(status(), 'login2').healthy, 3000, 10);
    const outMs = Date.now() - killedAt;
    expect(outMs).toBeLessThanOrEqual(2 * 300 + 250);
    expect(node(status(), 'login2').reason).toBe('health check: connection refused');
    const okBefore = node(status(), 'login2').checks.ok;
    await victim.restart();
    await waitFor('login2 back', () => node(status(), 'login2').healthy, 3000, 10);
    expect(node(status(), 'login2').checks.ok - okBefore).toBe(3);
  });

  it('tries the next node when one refuses, says nothing or closes before its banner; the client only sees the working node', async () => {
    const silent = await fakeNode(() => undefined);
    const closer = await fakeNode((s) => s.destroy());
    const refusing = await freeTcpPort();
    try {
      proxy = await startProxy({}, {}, {}, {
        policy: 'round-robin',
        timeouts: { connect: '300ms' },
        check: { interval: '10s', timeout: '1s' },
        nodes: [
          { name: 'refusing', host: '127.0.0.1', port: refusing },
          { name: 'closer', host: '127.0.0.1', port: closer.port },
          { name: 'silent', host: '127.0.0.1', port: silent.port },
          { name: 'login1', host: '127.0.0.1', port: nodes.nodes[0].port },
        ],
      });
      // Round robin starts at the first node; the checks have not run yet, so all four are candidates.
      const r = await ssh2Exec(proxy.sshPort!, nodes, 'echo $LOGIN_NODE');
      expect(r.out.toString().trim()).toBe('login1');
      expect(r.banner).toMatch(/login1$/);
      const opened = proxy.logs.find((l) => l.msg === 'ssh connection opened after failed attempts')!;
      expect(opened).toMatchObject({ node: 'login1', client: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
      expect(opened.failedAttempts).toEqual([
        { node: 'refusing', error: 'connection refused' },
        { node: 'closer', error: expect.stringMatching(/closed the connection before sending its SSH banner|connection reset/) },
        { node: 'silent', error: 'sent no SSH banner within 300ms' },
      ]);
      // Each failure took its node out of rotation; the next login goes straight to the working one.
      expect(status().nodes.filter((n) => n.healthy).map((n) => n.name)).toEqual(['login1']);
      expect((await ssh2Exec(proxy.sshPort!, nodes, 'echo $LOGIN_NODE')).out.toString().trim()).toBe('login1');
      const metrics = (await proxy.api('GET', '/api/ssh/nodes')).body;
      expect(JSON.parse(metrics).nodes.map((n: { connections: { failedAttempts: number } }) => n.connections.failedAttempts)).toEqual([1, 1, 1, 0]);
    } finally {
      await silent.close();
      await closer.close();
    }
  });

  it('closes the client only when no node can take it, and counts it', async () => {
    const refusing = await freeTcpPort();
    proxy = await startProxy({}, {}, {}, { policy: 'round-robin', check: { interval: '10s', timeout: '1s' }, nodes: [{ name: 'gone', host: '127.0.0.1', port: refusing }] });
    const s = await rawConnect(proxy.sshPort!);
    s.resume();
    await new Promise((r) => s.once('end', r));
    s.destroy();
    await waitFor('the refusal log', () => proxy!.logs.find((l) => l.msg === 'ssh connection refused: no login node could take it'));
    const text = (await request(`${proxy.metricsUrl}/metrics`)).body;
    expect(metricValue(text, 'hpcg_proxy_ssh_connections_failed_total')).toBe(1);
  });

  it('pipes byte for byte with half-close: the client ends its side and still reads the whole answer', async () => {
    // A node that greets, counts what it receives and, once the client has finished sending, answers.
    const counting = await fakeNode((s) => {
      s.write('SSH-2.0-Fake_1.0 counting\r\n');
      const hash = createHash('sha256');
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
        hash.update(d);
      });
      s.on('end', () => setTimeout(() => s.end(`${n} ${hash.digest('hex')}\n`), 100));
    });
    try {
      proxy = await startProxy({}, {}, {}, { policy: 'round-robin', nodes: [{ name: 'counting', host: '127.0.0.1', port: counting.port }] });
      const s = await rawConnect(proxy.sshPort!);
      const received: Buffer[] = [];
      s.on('data', (d: Buffer) => received.push(d));
      const ended = new Promise((r) => s.once('end', r));
      const payload = randomBytes(8 * 1024 * 1024);
      s.end(payload);
      await ended;
      const text = Buffer.concat(received).toString('latin1');
      const expected = `${payload.length} ${createHash('sha256').update(payload).digest('hex')}\n`;
      expect(text).toBe(`SSH-2.0-Fake_1.0 counting\r\n${expected}`);
      await waitFor('the close log', () => proxy!.logs.find((l) => l.msg === 'ssh connection closed'));
      expect(proxy.logs.find((l) => l.msg === 'ssh connection closed')).toMatchObject({ node: 'counting', bytesUp: payload.length, cut: null });
      s.destroy();
    } finally {
      await counting.close();
    }
  });

  it('cuts a connection idle for timeouts.idle', async () => {
    proxy = await startProxy({}, {}, {}, { policy: 'round-robin', timeouts: { idle: '400ms' }, nodes: [{ name: 'login1', host: '127.0.0.1', port: nodes.nodes[0].port }] });
    const s = await rawConnect(proxy.sshPort!);
    const opened = Date.now();
    s.resume();
    await new Promise((r) => s.once('end', r));
    s.destroy();
    const ms = Date.now() - opened;
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(2000);
    await waitFor('the cut log', () => proxy!.logs.find((l) => l.msg === 'ssh connection cut'));
    expect(proxy.logs.find((l) => l.msg === 'ssh connection cut')).toMatchObject({ node: 'login1', cut: 'idle timeout' });
  });

  it('probes load with ssh2 (default command on a real node), keeps a failing node\'s last score for maxAge, then forgets it', async () => {
    proxy = await startProxy({}, {}, {}, {
      policy: 'least-loaded',
      probe: { user: nodes.user, keyFile: nodes.probeKey, interval: '500ms', timeout: '2s', maxAge: '1500ms' },
      nodes: [{ name: 'login1', host: '127.0.0.1', port: nodes.nodes[0].port }],
    });
    const real = (await waitFor('a real load report', () => node(status(), 'login1').load))!;
    expect(real.cpus).toBe(cpus().length);
    expect(real.load1).toBeGreaterThanOrEqual(0);
    await proxy.stop();

    proxy = await startProxy({}, {}, {}, {
      policy: 'least-loaded',
      probe: { user: nodes.user, keyFile: nodes.probeKey, command: loadProbeCommand(nodes.dir), interval: '500ms', timeout: '2s', maxAge: '1500ms', userLoad: 0.5 },
      nodes: [{ name: 'login1', host: '127.0.0.1', port: nodes.nodes[0].port, cpus: 2 }],
    });
    nodes.setLoad('login1', 3);
    // Load 3, no users, divided by the configured 2 CPUs (not the 4 the probe prints).
    await waitFor('the score', () => node(status(), 'login1').score === 1.5);
    writeFileSync(nodes.loadFile('login1'), 'garbage\n');
    const brokeAt = Date.now();
    await waitFor('the probe to fail', () => node(status(), 'login1').lastProbe?.ok === false);
    expect(node(status(), 'login1').lastProbe!.detail).toContain('probe output line 1 should start with the 1-minute load average');
    expect(node(status(), 'login1').score).toBe(1.5);
    await waitFor('the score to expire', () => node(status(), 'login1').score === null, 4000);
    expect(Date.now() - brokeAt).toBeGreaterThanOrEqual(900);
    expect(proxy.logs.filter((l) => l.msg === 'ssh load probe failed; keeping the last score for proxy.ssh.probe.maxAge')).toHaveLength(1);
    nodes.setLoad('login1', 0.5);
    await waitFor('the probe to work again', () => node(status(), 'login1').score !== null);
  });

  it('guards the SSH admin API with the route API token and names unknown nodes', async () => {
    proxy = await startProxy({}, {}, {}, { policy: 'round-robin', nodes: nodes.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port })) });
    expect((await proxy.api('POST', '/api/ssh/nodes/login1/drain', undefined, null)).status).toBe(403);
    expect((await proxy.api('POST', '/api/ssh/nodes/login1/drain', undefined, 'wrong-token-0123456789')).status).toBe(403);
    const missing = await proxy.api('POST', '/api/ssh/nodes/login9/drain');
    expect(missing).toMatchObject({ status: 404, body: 'No SSH node "login9" (nodes: login1, login2)' });
    expect((await proxy.api('GET', '/api/ssh/nodes/login1/drain')).status).toBe(405);
    expect((await proxy.api('GET', '/api/ssh/elsewhere')).status).toBe(404);
    expect(JSON.parse((await proxy.api('POST', '/api/ssh/nodes/login1/drain')).body)).toMatchObject({ name: 'login1', drained: true });
    expect(status().nodes.map((n) => n.drained)).toEqual([true, false]);
    // The route API is unaffected.
    expect((await proxy.api('GET', '/api/routes')).status).toBe(200);
  });
});
