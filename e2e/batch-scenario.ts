import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayFixture, eventually } from '../test/support/gateway-fixture';
import { bin } from '../test/support/gateway-process';

/**
 * The "tried as a new user would" scenario, over the real processes: the built gateway and
 * worker, driven through the `hpcg` CLI exactly as a scientist types it. The same scenario runs
 * against every engine (batch-scenario.e2e-spec.ts: local; slurm-batch-scenario.e2e-spec.ts: Slurm;
 * kubernetes-batch-scenario.e2e-spec.ts: Kubernetes).
 */

const CLI = bin('hpcg');

/** A gateway whose default partition runs on the engine under test, and the user who submits. */
export interface ScenarioTarget {
  gw: GatewayFixture;
  /** The submitting user's API token. */
  token: string;
  /** Engine name `hpcg sbatch --test-only --json` reports. */
  engine: string;
  /** The uid the user's jobs run as (`id -u` inside a job). */
  uid: number;
}

/** One finished job as `hpcg sacct -X -P -o JobID,JobName,State,ExitCode` shows it. */
export interface AccountingRow {
  name: string;
  state: string;
  exit: string;
}

export interface ScenarioOptions {
  /** Extra check of the final accounting: gateway job id (and `_index`) → row. */
  verifyAccounting?: (rows: Map<string, AccountingRow>, engineJobId: (gatewayId: number) => Promise<string>) => Promise<void>;
  /**
   * The id a job's script sees (SLURM_JOB_ID, `%j`, `%A`); default: the engine's own job id. Kubernetes
   * has no numeric job ids: its jobs see the gateway's.
   */
  scriptJobId?: (gatewayId: number) => Promise<string>;
}

export function describeBatchScenario(title: string, start: () => Promise<ScenarioTarget>, stop: (t: ScenarioTarget) => Promise<void>, options: ScenarioOptions = {}): void {
  describe(title, () => {
    jest.setTimeout(240_000);
    let target: ScenarioTarget;
    let gw: GatewayFixture;
    let env: Record<string, string>;

    /**
     * The CLI as a child process, awaited without blocking this process: the engine under test may be
     * served from it (the emulated Kubernetes API server), and must keep answering while `hpcg` waits.
     */
    function hpcg(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
      return new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args], { cwd: gw.dir, env, encoding: 'utf8', timeout: 120_000 }, (error, out, err) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err }),
        );
      });
    }
    async function ok(args: string[]): Promise<string> {
      const r = await hpcg(args);
      if (r.code !== 0) throw new Error(`hpcg ${args.join(' ')} exited ${r.code}: ${r.err}`);
      return r.out;
    }

    /** The id the engine itself gave the job: what `%A`, `%j` and SLURM_JOB_ID name inside the job. */
    async function engineJobId(id: number): Promise<string> {
      return eventually(async () => (await gw.admin<{ job: { engineJobId: string | null } }>('query($id: Int!) { job(id: $id) { engineJobId } }', { id })).job.engineJobId, 30_000, `job ${id} to reach its engine`);
    }

    beforeAll(async () => {
      target = await start();
      gw = target.gw;
      env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: gw.dir, HPCG_URL: gw.url, HPCG_TOKEN: target.token, MY_SETTING: 'from-submitter' };
    });
    afterAll(() => target && stop(target));

    it('runs arrays with a throttle, dependencies, time limits, failures and cancels, and reports them like Slurm', async () => {
      writeFileSync(
        join(gw.dir, 'array.sh'),
        [
          '#!/bin/bash',
          '#SBATCH --job-name=sweep',
          '#SBATCH --array=0-3%2',
          '#SBATCH --output=arr-%A_%a.out',
          '#SBATCH --time=5',
          'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID setting=$MY_SETTING uid=$(id -u)"',
          'date +%s.%N > started-$SLURM_ARRAY_TASK_ID',
          'sleep 2',
          'date +%s.%N > ended-$SLURM_ARRAY_TASK_ID',
          '',
        ].join('\n'),
      );
      const arrayId = Number((await ok(['sbatch', '--parsable', 'array.sh'])).trim());
      expect(arrayId).toBeGreaterThan(0);
      // Watched from now on, beside the submissions below: each CLI call costs a Node start, and the
      // array may be half done before they are.
      let maxRunning = 0;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const rows = (await ok(['squeue', '-h', '-r', '-o', '%i %t', '-j', String(arrayId)])).trim().split('\n').filter(Boolean);
          maxRunning = Math.max(maxRunning, rows.filter((r) => r.endsWith(' R')).length);
          await new Promise((r) => setTimeout(r, 150));
        }
      })();

      const depOut = await ok(['sbatch', '-J', 'after-sweep', `--dependency=afterok:${arrayId}`, '-o', 'dep-%j.out', '--wrap', 'echo dependent ran; date +%s.%N']);
      const depId = Number(depOut.match(/^Submitted batch job (\d+)$/m)?.[1]);
      expect(depId).toBeGreaterThan(arrayId);

      const slowId = Number((await ok(['sbatch', '--parsable', '-J', 'too-slow', '--time=1', '-o', 'slow.out', '--wrap', 'echo start; sleep 600'])).trim());
      const failId = Number((await ok(['sbatch', '--parsable', '-J', 'broken', '-o', 'fail-%x.out', '--wrap', 'echo about to fail; exit 3'])).trim());
      const cancelId = Number((await ok(['sbatch', '--parsable', '-J', 'doomed', '--wrap', 'sleep 600'])).trim());

      // squeue shows our jobs in Slurm's default layout; the array never runs more than 2 tasks at once.
      const header = (await ok(['squeue'])).split('\n')[0];
      expect(header).toMatch(/^\s+JOBID PARTITION\s+NAME\s+USER ST\s+TIME\s+NODES NODELIST\(REASON\)$/);
      await eventually(async () => existsSync(join(gw.dir, 'ended-3')) && existsSync(join(gw.dir, 'ended-2')), 60_000, 'array tasks to finish', 150);
      watching = false;
      await watcher;
      expect(maxRunning).toBeGreaterThan(0);
      expect(maxRunning).toBeLessThanOrEqual(2);
      // Checked from the tasks' own clocks too: never more than two overlapping.
      const spans = [0, 1, 2, 3].map((i) => [Number(readFileSync(join(gw.dir, `started-${i}`), 'utf8')), Number(readFileSync(join(gw.dir, `ended-${i}`), 'utf8'))]);
      for (const [s] of spans) expect(spans.filter(([a, b]) => a <= s && s < b).length).toBeLessThanOrEqual(2);

      await ok(['scancel', String(cancelId)]);

      // Everything reaches its final state; TIMEOUT takes the 1-minute limit plus KillWait.
      const finalStates = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED']);
      const sacct = async () =>
        new Map(
          (await ok(['sacct', '-X', '-n', '-P', '-j', [arrayId, depId, slowId, failId, cancelId].join(','), '-o', 'JobID,JobName,State,ExitCode']))
            .trim()
            .split('\n')
            .map((line) => line.split('|'))
            .map(([id, name, state, exit]) => [id, { name, state: state.split(' ')[0], exit }]),
        );
      const rows = await eventually(
        async () => {
          const r = await sacct();
          return r.size >= 8 && [...r.values()].every((v) => finalStates.has(v.state)) ? r : null;
        },
        150_000,
        'all jobs to finish',
        1000,
      );
      for (const i of [0, 1, 2, 3]) expect(rows.get(`${arrayId}_${i}`)).toEqual({ name: 'sweep', state: 'COMPLETED', exit: '0:0' });
      expect(rows.get(String(depId))).toEqual({ name: 'after-sweep', state: 'COMPLETED', exit: '0:0' });
      expect(rows.get(String(slowId))?.state).toBe('TIMEOUT');
      expect(rows.get(String(failId))).toEqual({ name: 'broken', state: 'FAILED', exit: '3:0' });
      expect(rows.get(String(cancelId))?.state).toBe('CANCELLED');

      // Output files where the patterns say, with the submitter's environment exported, written as the owner.
      const scriptJobId = options.scriptJobId ?? engineJobId;
      const arrayEngineId = await scriptJobId(arrayId);
      for (const i of [0, 1, 2, 3]) {
        expect(readFileSync(join(gw.dir, `arr-${arrayEngineId}_${i}.out`), 'utf8')).toBe(`task ${i} of ${arrayEngineId} setting=from-submitter uid=${target.uid}\n`);
      }
      const dep = readFileSync(join(gw.dir, `dep-${await scriptJobId(depId)}.out`), 'utf8');
      expect(dep).toMatch(/^dependent ran\n/);
      // afterok: the dependent started only after the last array task ended.
      const depStarted = Number(dep.split('\n')[1]);
      expect(depStarted).toBeGreaterThanOrEqual(Math.max(...spans.map(([, e]) => e)));
      expect(readFileSync(join(gw.dir, 'fail-broken.out'), 'utf8')).toBe('about to fail\n');
      expect(readFileSync(join(gw.dir, 'slow.out'), 'utf8')).toMatch(/^start\n/);

      await options.verifyAccounting?.(rows, engineJobId);

      // Nothing of ours is left in the queue.
      expect((await ok(['squeue', '-h'])).trim()).toBe('');
    });

    it('sbatch --wait exits with the job exit code', async () => {
      const r = await hpcg(['sbatch', '--wait', '--wrap', 'exit 7']);
      expect(r.code).toBe(7);
      expect(r.out).toMatch(/^Submitted batch job \d+$/m);
    });

    it('sbatch --test-only --json prints the JobSpec and the translation without submitting', async () => {
      // Ids, names and states (not elapsed times, which move on): submitting nothing changes none of them.
      const queue = () => ok(['squeue', '-h', '-t', 'all', '-o', '%i %j %T']);
      const before = await queue();
      const out = JSON.parse(await ok(['sbatch', '--test-only', '--json', '-J', 'probe', '-t', '10', '--wrap', 'true']));
      expect(out.spec).toMatchObject({ name: 'probe', timeLimitMinutes: 10 });
      expect(out.engine).toBe(target.engine);
      expect(out.translation).toBeTruthy();
      expect(await queue()).toBe(before);
    });

    it('refuses a bad script with the option and line, and submits nothing', async () => {
      writeFileSync(join(gw.dir, 'bad.sh'), '#!/bin/sh\n#SBATCH --time=soon\necho\n');
      const r = await hpcg(['sbatch', 'bad.sh']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/--time/);
      expect(r.err).toMatch(/line 2/);
    });
  });
}
