/**
 * bench/cli: how long `hpcg squeue`, `sbatch`, `sacct` and `scancel` take as whole processes (issue 21:
 * within 1.5x of `node -e 0` measured in the same run), next to Slurm's own commands on a real
 * Slurm 22.05 cluster with accounting when one can be started here.
 *
 *   npm run build && node dist/bench/cli.js [--rounds 15] [--no-slurm]
 *
 * Each round runs `node -e 0` and then every command once, so each command's ratio to the floor is
 * taken round by round (the machine's speed drifts; pairs keep the ratio meaningful) and the median of
 * those ratios is printed. The CLI runs as users run it, `node dist/bin/hpcg.js`, against a gateway
 * (API + worker, local engine) on this machine; its compile cache is warmed before the first round, and
 * one row shows the same command without it (the first run after an install or upgrade). Another row
 * is the gateway's own answer to squeue's query, asked from this process: the part of `hpcg squeue`
 * that is the server's, not the CLI's start-up.
 * A script, not a test: the machine is shared and noisy.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listJobs } from '../src/cli/gateway-api';
import { GatewayClient } from '../src/cli/gateway-client';
import { ACTIVE_STATES } from '../src/cli/parse/state-list';
import { GatewayFixture } from '../test/support/gateway-fixture';
import { bin } from '../test/support/gateway-process';
import { SlurmCluster } from '../test/support/slurm-cluster';
import { numberArg } from './bench-run';

const rounds = numberArg('rounds', 15);
const withSlurm = !process.argv.includes('--no-slurm') && existsSync('/usr/sbin/slurmctld');

interface Command {
  label: string;
  /** What to run, given this round's prepared argument (the job to cancel). */
  argv: (prepared: string) => string[];
  env: NodeJS.ProcessEnv;
  /** Untimed set-up for one run, e.g. submitting the job that the timed `scancel` cancels. */
  prepare?: () => string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(argv: string[], env: NodeJS.ProcessEnv, cwd: string): { ms: number; result: SpawnSyncReturns<string> } {
  const t0 = performance.now();
  const result = spawnSync(argv[0], argv.slice(1), { env, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr.trim()}`);
  return { ms, result };
}

async function main(): Promise<void> {
  const gw = await GatewayFixture.start();
  await gw.startWorker();
  const cluster = withSlurm ? await SlurmCluster.start({ accounting: true }) : null;
  try {
    const token = await gw.user('bench');
    const cwd = mkdtempSync(join(tmpdir(), 'hpcg-bench-cli-'));
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: gw.dir };
    const hpcgEnv = { ...base, HPCG_URL: gw.url, HPCG_TOKEN: token };
    const hpcg = (...args: string[]) => [process.execPath, bin('hpcg'), ...args];
    const hpcgSleeper = () => run(hpcg('sbatch', '--parsable', '-J', 'bench-sleep', '--wrap', 'sleep 300'), hpcgEnv, cwd).result.stdout.trim();

    const commands: Command[] = [
      { label: 'node -e 0', argv: () => [process.execPath, '-e', '0'], env: base },
      { label: 'hpcg squeue', argv: () => hpcg('squeue'), env: hpcgEnv },
      { label: 'hpcg squeue (no compile cache)', argv: () => hpcg('squeue'), env: { ...hpcgEnv, NODE_DISABLE_COMPILE_CACHE: '1' } },
      { label: 'hpcg sbatch', argv: () => hpcg('sbatch', '-J', 'bench', '-o', '/dev/null', '--wrap', 'true'), env: hpcgEnv },
      { label: 'hpcg sacct', argv: () => hpcg('sacct'), env: hpcgEnv },
      { label: 'hpcg scancel', argv: (id) => hpcg('scancel', id), env: hpcgEnv, prepare: hpcgSleeper },
    ];
    if (cluster) {
      const slurmEnv = { ...base, ...cluster.env };
      const slurmSleeper = () => run(['sbatch', '--parsable', '-J', 'bench-sleep', '-o', '/dev/null', '--wrap', 'sleep 300'], slurmEnv, cwd).result.stdout.trim();
      commands.push(
        { label: 'slurm squeue', argv: () => ['squeue'], env: slurmEnv },
        { label: 'slurm sbatch', argv: () => ['sbatch', '-J', 'bench', '-o', '/dev/null', '--wrap', 'true'], env: slurmEnv },
        { label: 'slurm sacct', argv: () => ['sacct'], env: slurmEnv },
        { label: 'slurm scancel', argv: (id) => ['scancel', id], env: slurmEnv, prepare: slurmSleeper },
      );
    }

    // Warm-up, not counted: the compile cache is written by the first run of the CLI.
    for (const c of commands) for (let i = 0; i < 2; i++) run(c.argv(c.prepare?.() ?? ''), c.env, cwd);

    const client = new GatewayClient({ url: gw.url, graphqlUrl: `${gw.url}/graphql`, token });
    const answer = 'gateway answer to squeue';
    const labels = [...commands.map((c) => c.label), answer];
    const times = new Map<string, number[]>(labels.map((l) => [l, []]));
    const ratios = new Map<string, number[]>(labels.map((l) => [l, []]));
    for (let r = 0; r < rounds; r++) {
      let floor = 0;
      for (const c of commands) {
        const prepared = c.prepare?.() ?? '';
        const { ms } = run(c.argv(prepared), c.env, cwd);
        if (c.label === 'node -e 0') floor = ms;
        times.get(c.label)!.push(ms);
        ratios.get(c.label)!.push(ms / floor);
      }
      const t0 = performance.now();
      await listJobs(client, { states: [...ACTIVE_STATES] });
      const ms = performance.now() - t0;
      times.get(answer)!.push(ms);
      ratios.get(answer)!.push(ms / floor);
    }

    console.log(`CLI commands as whole processes, ${rounds} rounds (target: hpcg squeue/sbatch/sacct/scancel within 1.5x of node -e 0)`);
    console.log(`${'command'.padEnd(32)}${'median ms'.padStart(10)}${'max ms'.padStart(9)}${'/ node -e 0'.padStart(13)}${'/ slurm'.padStart(10)}`);
    for (const label of labels) {
      const ms = times.get(label)!;
      const slurm = /^hpcg \w+$/.test(label) ? times.get(label.replace('hpcg', 'slurm')) : undefined;
      const vsSlurm = slurm ? `${(median(ms) / median(slurm)).toFixed(1)}x` : '';
      console.log(
        `${label.padEnd(32)}${median(ms).toFixed(0).padStart(10)}${Math.max(...ms).toFixed(0).padStart(9)}${`${median(ratios.get(label)!).toFixed(2)}x`.padStart(13)}${vsSlurm.padStart(10)}`,
      );
    }
    if (!cluster) console.log(withSlurm ? '' : 'Slurm: not compared (--no-slurm, or slurmctld is not installed: scripts/test-deps/slurm.sh)');
  } finally {
    await cluster?.stop();
    await gw.stop();
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
