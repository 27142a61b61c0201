/**
 * Records what the real Slurm 22.05 commands print, and how they exit, when their daemon cannot be
 * reached: slurmctld stopped (connection refused), and slurmctld's host not resolvable. The CLI's
 * "gateway unreachable" texts (src/cli/slurm-unreachable.ts) are checked against these files.
 *
 * Run as root on a machine with scripts/test-deps/slurm.sh done:
 *   npx tsc --outDir /tmp/hpcg-record --module commonjs --target es2022 --esModuleInterop --skipLibCheck test/slurm/record-unreachable.ts
 *   node /tmp/hpcg-record/slurm/record-unreachable.js test/slurm/recorded/unreachable
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlurmCluster } from '../support/slurm-cluster';

/** name → argv (and stdin); the calls batchspawner, OOD and scripts make. */
const CALLS: Record<string, { argv: string[]; input?: string }> = {
  squeue: { argv: ['squeue'] },
  'squeue-job': { argv: ['squeue', '-h', '-j', '1', '-o', '%T %B'] },
  sbatch: { argv: ['sbatch', '--parsable'], input: '#!/bin/sh\ntrue\n' },
  'sbatch-wrap': { argv: ['sbatch', '--wrap', 'true'] },
  scancel: { argv: ['scancel', '1'] },
  sinfo: { argv: ['sinfo'] },
  'scontrol-show-job': { argv: ['scontrol', 'show', 'job', '1'] },
  'scontrol-show-jobs': { argv: ['scontrol', 'show', 'job'] },
  'scontrol-show-partition': { argv: ['scontrol', 'show', 'partition'] },
  'scontrol-hold': { argv: ['scontrol', 'hold', '1'] },
  'scontrol-release': { argv: ['scontrol', 'release', '1'] },
  sacct: { argv: ['sacct'] },
};

interface Recorded {
  stdout: string;
  stderr: string;
  exitCode: number;
  ms: number;
}

function run(argv: string[], env: Record<string, string>, input?: string): Promise<Recorded> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(argv[0], argv.slice(1), { env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', ...env }, timeout: 300_000 }, (err, stdout, stderr) => {
      const exitCode = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ stdout, stderr, exitCode: typeof exitCode === 'number' ? exitCode : 1, ms: Date.now() - started });
    });
    child.stdin!.end(input ?? '');
  });
}

async function recordAll(outDir: string, variant: string, env: Record<string, string>): Promise<void> {
  const dir = join(outDir, variant);
  mkdirSync(dir, { recursive: true });
  const summary: Record<string, { argv: string[]; exitCode: number; ms: number }> = {};
  for (const [name, call] of Object.entries(CALLS)) {
    const r = await run(call.argv, env, call.input);
    writeFileSync(join(dir, `${name}.stderr`), r.stderr);
    if (r.stdout) writeFileSync(join(dir, `${name}.stdout`), r.stdout);
    summary[name] = { argv: call.argv, exitCode: r.exitCode, ms: r.ms };
    process.stdout.write(`${variant} ${name}: exit ${r.exitCode} after ${r.ms} ms\n`);
  }
  writeFileSync(join(dir, 'exit-codes.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

async function main(): Promise<void> {
  const outDir = process.argv[2];
  if (!outDir) throw new Error('usage: record-unreachable OUTDIR');
  const cluster = await SlurmCluster.start({ accounting: true });
  try {
    // slurmctld stopped and slurmdbd stopped: every command's daemon refuses the connection.
    await cluster.stopController();
    await cluster.stopSlurmdbd();
    await recordAll(outDir, 'connect-refused', cluster.env);
    // slurmctld's host name does not resolve (a DNS failure).
    const conf = readFileSync(cluster.slurmConf, 'utf8').replace(/^SlurmctldHost=.*$/m, 'SlurmctldHost=no-such-host.invalid');
    const unresolvable = join(cluster.state.dir, 'slurm-unresolvable.conf');
    writeFileSync(unresolvable, conf);
    await recordAll(outDir, 'host-unresolvable', { SLURM_CONF: unresolvable });
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
