/**
 * bench/ssh-front: the same three real sshd login nodes behind hpcg-proxy's SSH front and behind
 * HAProxy in TCP mode (the anchor: what sites run today), and reached directly, in one run.
 * - Connection setup: time from connect to the SSH banner, over N connections per path (one at a
 *   time, the paths interleaved so each sees the same machine), p50 and p99.
 * - Bulk throughput: a large stream through one SSH session (`ssh node 'cat > /dev/null'` fed from
 *   /dev/zero), median of interleaved rounds, with the CPU time the relaying process spent per GB
 *   (on two shared cores the proxies compete with ssh and sshd, so CPU cost shows as throughput).
 * Prints both and the ratios against the targets: throughput >= 0.9x HAProxy's, banner p99
 * within 1.5x HAProxy's.
 *
 *   npm run build && node dist/bench/ssh-front.js [--connections 1000] [--megabytes 1024] [--rounds 3]
 *
 * Needs haproxy, sshd and ssh (scripts/test-deps/proxy.sh and ssh-front.sh install them). A script,
 * not a test: on a shared machine absolute numbers move; the ratios, measured side by side, are the result.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bin } from '../test/support/gateway-process';
import { stringify } from 'yaml';
import { benchRun, numberArg } from './bench-run';
import { type LoginNodes, freeTcpPort, sshClientArgs, startLoginNodes } from '../test/proxy/sshd';

const CONNECTIONS = numberArg('connections', 1000);
const MEGABYTES = numberArg('megabytes', 1024);
const ROUNDS = numberArg('rounds', 3);

const { tempDir, need, start } = benchRun('bench/ssh-front');
let nodes: LoginNodes | null = null;

/** Milliseconds from starting the TCP connect to the first byte (the banner); the connection is then dropped. */
function timeToBanner(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
    s.once('data', (d: Buffer) => {
      const ms = performance.now() - started;
      s.destroy();
      if (!d.toString('latin1').startsWith('SSH-2.0-')) reject(new Error(`port ${port} answered without an SSH banner`));
      else resolve(ms);
    });
    s.once('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error(`no banner from port ${port} within 10 s`)));
  });
}

async function waitForBanner(name: string, port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await timeToBanner(port);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${name} shows no SSH banner on port ${port}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** MB/s of a stream of MEGABYTES through one SSH session on `port`, and the CPU seconds per GB the relaying process spent. */
function streamThrough(port: number, key: string, user: string, relayPid: number | null): { mbps: number; cpuPerGb: number | null } {
  const cpuBefore = relayPid === null ? 0 : cpuSeconds(relayPid);
  const started = performance.now();
  const ssh = ['ssh', ...sshClientArgs(port, key), `${user}@127.0.0.1`, "'cat > /dev/null'"].join(' ');
  execFileSync('sh', ['-c', `head -c ${MEGABYTES * 1024 * 1024} /dev/zero | ${ssh}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const mbps = MEGABYTES / ((performance.now() - started) / 1000);
  return { mbps, cpuPerGb: relayPid === null ? null : ((cpuSeconds(relayPid) - cpuBefore) * 1024) / MEGABYTES };
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const median = (xs: number[]) => percentile(xs, 50);

async function main(): Promise<void> {
  need('haproxy', "Debian's haproxy: scripts/test-deps/proxy.sh");
  need('ssh', "Debian's openssh-client: scripts/test-deps/ssh-front.sh");
  const ours = bin('hpcg-proxy');
  if (!existsSync(ours)) {
    console.error(`bench/ssh-front: ${ours} is missing; build first (npm run build)`);
    process.exit(2);
  }
  nodes = await startLoginNodes(['login1', 'login2', 'login3']);
  const nodeList = nodes.nodes.map((n) => ({ name: n.name, host: '127.0.0.1', port: n.port }));
  const [hpcgSsh, haproxyPort] = await Promise.all([freeTcpPort(), freeTcpPort()]);

  // hpcg-proxy as a site would run it: the default least-loaded policy with ssh2 load probes.
  const config = join(tempDir, 'hpcg.yaml');
  writeFileSync(
    config,
    stringify({
      proxy: {
        http: { listen: '127.0.0.1:0', api: '127.0.0.1:0', metrics: false, store: 'memory' },
        ssh: { listen: `127.0.0.1:${hpcgSsh}`, check: { interval: '1s', timeout: '500ms' }, probe: { user: nodes.user, keyFile: nodes.probeKey }, nodes: nodeList },
      },
    }),
  );
  const hpcg = start('hpcg-proxy', process.execPath, [ours, '--config', config, '--log-level', 'info'], { CONFIGPROXY_AUTH_TOKEN: randomBytes(24).toString('hex') });
  // HAProxy as ENVIRONMENT.md describes a site's SSH front: TCP mode, banner check, retries + redispatch.
  const haproxyConfig = join(tempDir, 'haproxy.cfg');
  writeFileSync(
    haproxyConfig,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode tcp',
      '  timeout connect 3s',
      '  timeout client 1h',
      '  timeout server 1h',
      '  retries 3',
      '  option redispatch',
      'listen ssh',
      `  bind 127.0.0.1:${haproxyPort}`,
      '  balance leastconn',
      '  option tcp-check',
      '  tcp-check expect string SSH-2.0',
      ...nodeList.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check inter 1s fall 2 rise 2`),
      '',
    ].join('\n'),
  );
  const haproxy = start('haproxy', 'haproxy', ['-f', haproxyConfig, '-db']);

  const paths = [
    { name: 'hpcg-proxy', port: hpcgSsh, pid: hpcg.pid! },
    { name: 'haproxy', port: haproxyPort, pid: haproxy.pid! },
    { name: 'direct (login1)', port: nodes.nodes[0].port, pid: null },
  ];
  for (const p of paths) await waitForBanner(p.name, p.port);
  const sshVersion = execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }).trim();
  console.log(`bench/ssh-front: ${cpus().length} CPUs, node ${process.version}, ${execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0]}, ${sshVersion}`);

  // Warm-up, then the paths interleaved connection by connection.
  for (const p of paths) for (let i = 0; i < 20; i++) await timeToBanner(p.port);
  const banner = new Map<string, number[]>(paths.map((p) => [p.name, []]));
  for (let i = 0; i < CONNECTIONS; i++) {
    for (let j = 0; j < paths.length; j++) {
      const p = paths[(i + j) % paths.length];
      banner.get(p.name)!.push(await timeToBanner(p.port));
    }
  }
  console.log(`\ntime to banner, ${CONNECTIONS} connections each (one at a time, interleaved):`);
  for (const p of paths) {
    const xs = banner.get(p.name)!;
    console.log(`  ${p.name.padEnd(18)} p50 ${median(xs).toFixed(2).padStart(6)} ms   p99 ${percentile(xs, 99).toFixed(2).padStart(6)} ms`);
  }

  const throughput = new Map<string, number[]>(paths.map((p) => [p.name, []]));
  const cpu = new Map<string, number[]>(paths.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < paths.length; j++) {
      const p = paths[(round + j) % paths.length];
      const r = streamThrough(p.port, nodes.userKey, nodes.user, p.pid);
      throughput.get(p.name)!.push(r.mbps);
      if (r.cpuPerGb !== null) cpu.get(p.name)!.push(r.cpuPerGb);
    }
  }
  console.log(`\nbulk stream, ${MEGABYTES} MB through one SSH session, ${ROUNDS} interleaved rounds (median; CPU = the relaying process):`);
  for (const p of paths) {
    const xs = throughput.get(p.name)!;
    const c = cpu.get(p.name)!;
    const cpuText = c.length ? `   CPU ${median(c).toFixed(2)} s/GB` : '';
    console.log(`  ${p.name.padEnd(18)} ${median(xs).toFixed(0).padStart(5)} MB/s   rounds: ${xs.map((x) => x.toFixed(0)).join(' ')}${cpuText}`);
  }

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const tp = median(throughput.get('hpcg-proxy')!) / median(throughput.get('haproxy')!);
  const p99 = percentile(banner.get('hpcg-proxy')!, 99) / percentile(banner.get('haproxy')!, 99);
  const p50 = median(banner.get('hpcg-proxy')!) / median(banner.get('haproxy')!);
  console.log('\nhpcg-proxy vs HAProxy:');
  console.log(`  throughput:      ${tp.toFixed(2)}x   (target >= 0.9x: ${verdict(tp >= 0.9)})`);
  console.log(`  banner p99:      ${p99.toFixed(2)}x   (target <= 1.5x: ${verdict(p99 <= 1.5)})`);
  console.log(`  banner p50:      ${p50.toFixed(2)}x`);
}

main().then(
  async () => {
    await nodes?.stop();
    process.exit(0);
  },
  async (err: Error) => {
    console.error(`bench/ssh-front: ${err.message}`);
    await nodes?.stop();
    process.exit(1);
  },
);
