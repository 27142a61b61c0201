/**
 * bench/http-proxy: the same trivial upstream behind hpcg-proxy, behind Debian's configurable-http-proxy
 * (the proxy JupyterHub ships with) and behind HAProxy, loaded the same way with wrk, in one run.
 * hpcg-proxy runs twice: as one process, and with one worker per CPU (the like-for-like setting next to
 * HAProxy, which runs a thread per CPU; workers share routes through Redis at $REDIS_URL).
 * Prints req/s and p99 latency for each (median of interleaved rounds) and the ratios against the
 * issue's targets: at least 5x CHP's req/s, at least 0.4x HAProxy's, p99 no worse than CHP's.
 *
 *   npm run build && node dist/bench/http-proxy.js [--duration 10] [--rounds 3] [--connections 32] [--threads 1]
 *
 * Needs wrk, haproxy and configurable-http-proxy (scripts/test-deps/proxy.sh installs them). A script,
 * not a test: on a shared machine absolute numbers move; the ratios, measured side by side, are the result.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import Redis from 'ioredis';
import { join } from 'node:path';
import { bin } from '../test/support/gateway-process';
import { benchRun, numberArg } from './bench-run';

const UPSTREAM = `
const http = require('http');
const body = Buffer.from('hello world\\n');
const s = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
s.keepAliveTimeout = 65000;
s.listen(Number(process.argv[1]), '127.0.0.1');
`;

const DURATION = numberArg('duration', 10);
const ROUNDS = numberArg('rounds', 3);
const CONNECTIONS = numberArg('connections', 32);
const THREADS = numberArg('threads', 1);

const { tempDir, need, start } = benchRun('bench/http-proxy');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY_PREFIX = `hpcg-bench:${randomBytes(4).toString('hex')}:`;

/** The workers' route store keys (a handful: the bench adds no API routes). */
async function deleteBenchKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${KEY_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  } catch {
    // Redis gone: nothing to clean
  } finally {
    redis.disconnect();
  }
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitUntilServing(name: string, url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      http.get(url, { agent: false }, (res) => {
        res.resume();
        r(res.statusCode === 200);
      }).on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} did not serve ${url} within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WrkResult {
  rps: number;
  p99ms: number;
  errors: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!m) throw new Error(`cannot read wrk latency "${value}"`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

function wrk(url: string, seconds: number): WrkResult {
  const out = execFileSync('wrk', [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  if (!Number.isFinite(rps) || !p99) throw new Error(`cannot read wrk output:\n${out}`);
  return { rps, p99ms: toMs(p99), errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  need('wrk', "Debian's wrk; run scripts/test-deps/proxy.sh");
  need('haproxy', "Debian's haproxy; run scripts/test-deps/proxy.sh");
  need('configurable-http-proxy', "Debian's node-configurable-http-proxy, from the jupyterhub package; run scripts/test-deps/proxy.sh");
  const ours = bin('hpcg-proxy');
  if (!existsSync(ours)) {
    console.error(`bench/http-proxy: ${ours} is missing; build first (npm run build)`);
    process.exit(2);
  }

  const upstreamPort = await freePort();
  start('upstream', process.execPath, ['-e', UPSTREAM, String(upstreamPort)]);
  const target = `http://127.0.0.1:${upstreamPort}`;
  await waitUntilServing('upstream', `${target}/`);

  const token = randomBytes(24).toString('hex');
  const [hpcgPort, hpcgApi, hpcgMetrics, chpPort, chpApi, haproxyPort, workersPort, workersApi, workersMetrics] = await Promise.all(Array.from({ length: 9 }, freePort));
  const common = ['--ip', '127.0.0.1', '--default-target', target, '--log-level', 'warn'];
  start('hpcg-proxy', process.execPath, [ours, ...common, '--port', String(hpcgPort), '--api-port', String(hpcgApi), '--metrics-port', String(hpcgMetrics), '--store', 'memory'], {
    CONFIGPROXY_AUTH_TOKEN: token,
    HPCG_CONFIG: '',
  });
  const workersConfig = join(tempDir, 'hpcg.yaml');
  writeFileSync(workersConfig, `proxy:\n  http:\n    workers: auto\n    store: redis\n    redis: { url: "${REDIS_URL}", keyPrefix: "${KEY_PREFIX}" }\n`);
  start('hpcg-proxy --workers auto', process.execPath, [ours, ...common, '--port', String(workersPort), '--api-port', String(workersApi), '--metrics-port', String(workersMetrics), '--config', workersConfig], {
    CONFIGPROXY_AUTH_TOKEN: token,
  });
  // Debian's CHP needs Debian's module directory (ENVIRONMENT.md).
  start('configurable-http-proxy', 'configurable-http-proxy', ['--ip', '127.0.0.1', '--port', String(chpPort), '--api-ip', '127.0.0.1', '--api-port', String(chpApi), '--default-target', target, '--log-level', 'warn'], {
    CONFIGPROXY_AUTH_TOKEN: token,
    NODE_PATH: '/usr/share/nodejs',
  });
  const haproxyConfig = join(tempDir, 'haproxy.cfg');
  writeFileSync(
    haproxyConfig,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  option http-keep-alive',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend bench',
      `  bind 127.0.0.1:${haproxyPort}`,
      '  default_backend upstream',
      'backend upstream',
      '  http-reuse always',
      `  server up 127.0.0.1:${upstreamPort}`,
      '',
    ].join('\n'),
  );
  start('haproxy', 'haproxy', ['-f', haproxyConfig, '-db']);

  const workersName = `hpcg-proxy, ${cpus().length} workers`;
  const contenders = [
    { name: 'hpcg-proxy', url: `http://127.0.0.1:${hpcgPort}/` },
    { name: workersName, url: `http://127.0.0.1:${workersPort}/` },
    { name: 'configurable-http-proxy', url: `http://127.0.0.1:${chpPort}/` },
    { name: 'haproxy', url: `http://127.0.0.1:${haproxyPort}/` },
    { name: 'direct (no proxy)', url: `${target}/` },
  ];
  for (const c of contenders) await waitUntilServing(c.name, c.url);

  const versions = {
    node: process.version,
    haproxy: execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0],
    chp: execFileSync('sh', ['-c', "dpkg-query -W -f='${Version}' node-configurable-http-proxy 2>/dev/null || true"], { encoding: 'utf8' }),
  };
  console.log(`bench/http-proxy: ${cpus().length} CPUs, node ${versions.node}, ${versions.haproxy}, CHP ${versions.chp}`);
  console.log(`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, ${ROUNDS} interleaved rounds (median), after a 2 s warm-up each\n`);

  for (const c of contenders) wrk(c.url, 2);
  const results = new Map<string, WrkResult[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no contender always runs first (or last) on a warming or cooling machine.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    for (const c of order) results.get(c.name)!.push(wrk(c.url, DURATION));
  }

  const summary = new Map<string, { rps: number; p99ms: number; errors: number; rounds: number[] }>();
  for (const [name, rs] of results) {
    summary.set(name, { rps: median(rs.map((r) => r.rps)), p99ms: median(rs.map((r) => r.p99ms)), errors: rs.reduce((a, r) => a + r.errors, 0), rounds: rs.map((r) => Math.round(r.rps)) });
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad('proxy', 26)}${pad('req/s', 10)}${pad('p99', 11)}${pad('errors', 8)}rounds (req/s)`);
  for (const [name, s] of summary) {
    console.log(`${pad(name, 26)}${pad(String(Math.round(s.rps)), 10)}${pad(`${s.p99ms.toFixed(2)} ms`, 11)}${pad(String(s.errors), 8)}${s.rounds.join(' ')}`);
  }

  const chp = summary.get('configurable-http-proxy')!;
  const haproxy = summary.get('haproxy')!;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  for (const name of ['hpcg-proxy', workersName]) {
    const ours = summary.get(name)!;
    const vsChp = ours.rps / chp.rps;
    const vsHaproxy = ours.rps / haproxy.rps;
    console.log(`\n${name}:`);
    console.log(`  / CHP req/s:      ${vsChp.toFixed(2)}x   (target >= 5x: ${verdict(vsChp >= 5)})`);
    console.log(`  / HAProxy req/s:  ${vsHaproxy.toFixed(2)}x   (target >= 0.4x: ${verdict(vsHaproxy >= 0.4)})`);
    console.log(`  p99 vs CHP p99:   ${ours.p99ms.toFixed(2)} ms vs ${chp.p99ms.toFixed(2)} ms   (target: no worse: ${verdict(ours.p99ms <= chp.p99ms)})`);
  }
}

main().then(
  async () => {
    await deleteBenchKeys();
    process.exit(0);
  },
  async (err: Error) => {
    console.error(`bench/http-proxy: ${err.message}`);
    await deleteBenchKeys();
    process.exit(1);
  },
);
