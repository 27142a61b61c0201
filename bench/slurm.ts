/**
 * bench/slurm: N trivial jobs submitted directly with `sbatch` (as the user, through runuser, C at a
 * time) and N through the gateway (GraphQL, C clients; the worker submits with the same concurrency)
 * into the same real slurmctld, in one run. Prints, for both: acceptance rate (submissions answered
 * per second) and end-to-end time (first submission to last job COMPLETED), and the ratios.
 *
 *   npm run bench:slurm -- [--jobs 500] [--concurrency 8]
 *
 * Needs the packages of scripts/test-deps/slurm.sh (it starts its own cluster and stops it after).
 * Targets (issue 5): gateway end-to-end within 1.25x of direct sbatch; gateway acceptance >= 3x direct.
 */
import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SlurmCluster } from '../test/support/slurm-cluster';
import { SLURM_TEST_USER, startSlurmGateway, unixUser } from '../test/support/slurm-gateway';

const SCRIPT = '#!/bin/sh\ntrue\n';
const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function pool(total: number, concurrency: number, once: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await once(next++);
  }));
}

async function until(probe: () => Promise<boolean>, everyMs = 200): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, everyMs));
}

function sbatchAsUser(cluster: SlurmCluster, dir: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('runuser', ['-u', SLURM_TEST_USER, '--', '/usr/bin/env', `SLURM_CONF=${cluster.slurmConf}`, '/usr/bin/sbatch', '--parsable', `--job-name=${name}`, `--chdir=${dir}`, '--output=/dev/null'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.stdin.end(SCRIPT);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sbatch exited ${code}: ${err}`))));
    c.on('error', reject);
  });
}

interface Side {
  acceptSeconds: number;
  endToEndSeconds: number;
}

function print(label: string, jobs: number, s: Side): void {
  console.log(`${label.padEnd(24)} accepted ${(jobs / s.acceptSeconds).toFixed(1).padStart(8)} jobs/s (${s.acceptSeconds.toFixed(2)} s)   end to end ${s.endToEndSeconds.toFixed(2).padStart(7)} s`);
}

async function direct(cluster: SlurmCluster, dir: string, jobs: number, concurrency: number): Promise<Side> {
  const name = 'bench-direct';
  const t0 = performance.now();
  await pool(jobs, concurrency, () => sbatchAsUser(cluster, dir, name));
  const accepted = performance.now();
  await until(async () => (await cluster.command('squeue', ['-h', `--name=${name}`, '--states=PENDING,RUNNING,COMPLETING,CONFIGURING', '-o', '%i'])).trim() === '');
  return { acceptSeconds: (accepted - t0) / 1000, endToEndSeconds: (performance.now() - t0) / 1000 };
}

async function gateway(cluster: SlurmCluster, jobs: number, concurrency: number): Promise<Side> {
  // The production periods (the test fixture's are 5-10x shorter), and the anchor's concurrency.
  const env = { HPCG_SUBMIT_CONCURRENCY: String(concurrency), HPCG_SYNC_INTERVAL_MS: '1000', HPCG_SWEEP_INTERVAL_MS: '5000' };
  const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' }, { env });
  try {
    const post = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const submitAll = (n: number) => pool(n, concurrency, () => post(SUBMIT, { s: SCRIPT, a: ['-J', 'bench-gateway', '-o', '/dev/null'], cwd: gw.dir }));
    const drained = () => until(async () => (await post(`query { jobs(filter: { states: [PENDING, RUNNING] }, page: { limit: 1 }) { total } }`, {})).jobs.total === 0);
    // Warm-up, as for the direct side: a fresh process compiles its hot paths on the first requests.
    await submitAll(Math.min(20, jobs));
    await drained();
    const t0 = performance.now();
    await submitAll(jobs);
    const accepted = performance.now();
    await drained();
    const end = performance.now();
    const failed = (await post(`query { jobs(filter: { states: [FAILED, CANCELLED, TIMEOUT, NODE_FAIL] }, page: { limit: 1 }) { total } }`, {})).jobs.total;
    if (failed) throw new Error(`${failed} gateway jobs did not complete`);
    return { acceptSeconds: (accepted - t0) / 1000, endToEndSeconds: (end - t0) / 1000 };
  } finally {
    await gw.stop();
  }
}

async function main(): Promise<void> {
  const jobs = arg('jobs', 500);
  const concurrency = arg('concurrency', 8);
  console.log(`bench/slurm: ${jobs} jobs each way, concurrency ${concurrency}, one real slurmctld\n`);
  const cluster = await SlurmCluster.start();
  const dir = mkdtempSync('/tmp/hpcg-bench-slurm-');
  const user = unixUser(SLURM_TEST_USER);
  chownSync(dir, user.uid, user.gid);
  try {
    await direct(cluster, dir, Math.min(20, jobs), concurrency); // warm-up: munge, slurmctld caches
    const d = await direct(cluster, dir, jobs, concurrency);
    const g = await gateway(cluster, jobs, concurrency);
    print('sbatch (direct, anchor)', jobs, d);
    print('gateway', jobs, g);
    const e2e = g.endToEndSeconds / d.endToEndSeconds;
    const accept = d.acceptSeconds / g.acceptSeconds;
    console.log(`\nratio end to end gateway/direct: ${e2e.toFixed(2)}x (target <= 1.25x: ${e2e <= 1.25 ? 'met' : 'NOT met'})`);
    console.log(`ratio acceptance rate gateway/direct: ${accept.toFixed(2)}x (target >= 3x: ${accept >= 3 ? 'met' : 'NOT met'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
