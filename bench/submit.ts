/**
 * bench/submit: accepted submissions per second and p50/p99 latency of `submitBatchScript` under
 * concurrent load against a real gateway API process (own database, real PostgreSQL and Redis), next
 * to the in-process sbatch parse alone; and, where a Slurm cluster answers (`sbatch` on PATH and
 * SLURM_CONF set), direct `sbatch` as the anchor in the same run.
 *
 *   npm run build && node dist/bench/submit.js [--clients 32] [--total 5000] [--parse 20000] [--api-processes 1,2]
 *
 * By default it measures one API process and one per core (HPCG_API_PROCESSES), side by side.
 *
 * A script, not a test: the machine is shared and noisy, so read the ratios, not the absolutes.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseBatchScript } from '../src/sbatch';
import { GatewayFixture } from '../test/support/gateway-fixture';

const SCRIPT = ['#!/bin/bash', '#SBATCH --job-name=bench', '#SBATCH --time=10', '#SBATCH --ntasks=1', '#SBATCH --cpus-per-task=1', '#SBATCH --mem=100M', 'echo hello', ''].join('\n');
const QUERY = `mutation($s: String!, $cwd: String) { submitBatchScript(script: $s, cwd: $cwd) { jobId } }`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function argList(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1].split(',').map(Number) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(label: string, latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rate = latencies.length / seconds;
  console.log(`${label.padEnd(28)} ${rate.toFixed(0).padStart(8)} /s   p50 ${percentile(sorted, 50).toFixed(2).padStart(8)} ms   p99 ${percentile(sorted, 99).toFixed(2).padStart(8)} ms   (n=${latencies.length})`);
  return { rate, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function load(clients: number, total: number, once: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

function benchParse(n: number) {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    parseBatchScript({ script: SCRIPT, optionArgs: ['-p', 'debug'], scriptArgs: [], env: {}, scriptName: 'bench.sh' }, { maxArraySize: 1001, maxScriptBytes: 4 << 20 });
    latencies.push(performance.now() - t);
  }
  return report('parse (in process)', latencies, (performance.now() - start) / 1000);
}

function sbatchOnce(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('sbatch', ['--parsable', '--hold'], { stdio: ['pipe', 'ignore', 'pipe'] });
    c.stdin.end(SCRIPT);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sbatch exited ${code}`))));
    c.on('error', reject);
  });
}

async function main() {
  const clients = arg('clients', 32);
  const total = arg('total', 5000);
  console.log(`bench/submit: ${clients} concurrent clients, ${total} submissions\n`);
  const parse = benchParse(arg('parse', 20000));

  const counts = argList('api-processes', [...new Set([1, cpus().length])]);
  const results = [];
  for (const processes of counts) results.push({ processes, ...(await benchGateway(processes, clients, total)) });

  if (process.env.SLURM_CONF) {
    const { latencies, seconds } = await load(Math.min(clients, 8), Math.min(total, 1000), sbatchOnce);
    const anchor = report('sbatch (direct, anchor)', latencies, seconds);
    for (const r of results) console.log(`ratio gateway(${r.processes} API)/sbatch: throughput ${(r.rate / anchor.rate).toFixed(2)}x, p99 ${(r.p99 / anchor.p99).toFixed(2)}x`);
  } else {
    console.log('\nanchor (direct sbatch): not run — no Slurm cluster here (set SLURM_CONF to a running cluster to include it)');
  }
  for (const r of results) {
    const met = r.rate >= 1000 && r.p99 < 50;
    console.log(`${r.processes} API process(es): submit/parse throughput ${(r.rate / parse.rate).toFixed(4)}; target >= 1000 accepted/s with p99 < 50 ms -> ${met ? 'met' : 'NOT met'}`);
  }
}

/** Default settings, request logging included: what a site runs, with HPCG_API_PROCESSES=processes. */
async function benchGateway(processes: number, clients: number, total: number) {
  const gw = await GatewayFixture.start({ env: { HPCG_API_PROCESSES: String(processes) } });
  try {
    const token = await gw.user('bench');
    const body = JSON.stringify({ query: QUERY, variables: { s: SCRIPT, cwd: gw.dir } });
    // node:http with a keep-alive agent: the load generator shares the 2 cores with the gateway, and
    // fetch() costs it about twice the CPU per request.
    const agent = new Agent({ keepAlive: true, maxSockets: clients });
    const url = new URL('/graphql', gw.url);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` };
    const submit = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            const json = JSON.parse(text) as { errors?: unknown[] };
            if (json.errors) reject(new Error(JSON.stringify(json.errors)));
            else resolve();
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    await load(clients, Math.min(400, total), submit); // warm-up (every replica's caches)
    const { latencies, seconds } = await load(clients, total, submit);
    agent.destroy();
    return report(`submitBatchScript (${processes} API)`, latencies, seconds);
  } finally {
    await gw.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
