/**
 * bench/submit: accepted submissions per second and p50/p99 latency of `submitBatchScript` under
 * concurrent load against a real gateway API process (own database, real PostgreSQL and Redis), next
 * to the in-process sbatch parse alone; and, where a Slurm cluster answers (`sbatch` on PATH and
 * SLURM_CONF set), direct `sbatch` as the anchor in the same run.
 *
 *   npm run build && node dist/bench/submit.js [--clients 32] [--total 5000] [--parse 20000]
 *
 * A script, not a test: the machine is shared and noisy, so read the ratios, not the absolutes.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseBatchScript } from '../src/sbatch';
import { GatewayFixture } from '../src/test-support/gateway-fixture';

const SCRIPT = ['#!/bin/bash', '#SBATCH --job-name=bench', '#SBATCH --time=10', '#SBATCH --ntasks=1', '#SBATCH --cpus-per-task=1', '#SBATCH --mem=100M', 'echo hello', ''].join('\n');
const QUERY = `mutation($s: String!, $cwd: String) { submitBatchScript(script: $s, cwd: $cwd) { jobId } }`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
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

  // Default settings, request logging included: what a site runs.
  const gw = await GatewayFixture.start();
  try {
    const token = await gw.user('bench');
    const body = (s: string) => JSON.stringify({ query: QUERY, variables: { s, cwd: gw.dir } });
    const submit = async () => {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body(SCRIPT) });
      const json = (await res.json()) as { errors?: unknown[] };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    await load(clients, Math.min(200, total), submit); // warm-up
    const { latencies, seconds } = await load(clients, total, submit);
    const ours = report('submitBatchScript (gateway)', latencies, seconds);

    if (process.env.SLURM_CONF) {
      const anchorTotal = Math.min(total, 1000);
      const { latencies: al, seconds: as } = await load(Math.min(clients, 8), anchorTotal, sbatchOnce);
      const anchor = report('sbatch (direct, anchor)', al, as);
      console.log(`\nratio gateway/sbatch: throughput ${(ours.rate / anchor.rate).toFixed(2)}x, p99 ${(ours.p99 / anchor.p99).toFixed(2)}x`);
    } else {
      console.log('\nanchor (direct sbatch): not run — no Slurm cluster here (set SLURM_CONF to a running cluster to include it)');
    }
    console.log(`ratio submit/parse throughput: ${(ours.rate / parse.rate).toFixed(4)}`);
    console.log(`target: >= 1000 accepted/s with p99 < 50 ms at 32 clients -> ${ours.rate >= 1000 && ours.p99 < 50 ? 'met' : 'NOT met'}`);
  } finally {
    await gw.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
