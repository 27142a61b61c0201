import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import type { CommandResult, CommandRunner } from '../command-runner/command-runner';
import { FixtureRunner } from '../../../test/support/fixture-runner';
import { RunnerUnavailableError } from '../command-runner/command-runner';
import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';
import { SlurmEngine } from './slurm-engine';

/** The engine against Slurm 22.05's recorded answers (test/slurm/recorded/README.md): squeue and scontrol taken 8 s after the jobs ended. */
const recorded = (name: string) => readFileSync(join(__dirname, '../../../test/slurm/recorded', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });
const failed = (stderr: string): CommandResult => ({ code: 1, stdout: '', stderr });

const SLURM_TOOL = /\/(sbatch|squeue|sacct|scontrol|scancel|id)$/;
/** Answers by the Slurm tool a command runs (`squeue`, `sacct`, …). */
class SlurmRunner extends FixtureRunner {
  constructor(answer: (tool: string) => CommandResult | Error) {
    super((argv) => answer(argv.find((a) => SLURM_TOOL.test(a))?.split('/').pop() ?? '?'), (a) => SLURM_TOOL.test(a));
  }
  slurmTools(): string[] {
    return this.tools().map((t) => t.split('/').pop() ?? t);
  }
}

function engine(runner: CommandRunner, accounting = true) {
  const warnings: { obj: object; msg?: string }[] = [];
  const logger = { info: () => undefined, error: () => undefined, warn: (obj: object, msg?: string) => void warnings.push({ obj, msg }) };
  return { warnings, slurm: new SlurmEngine({ name: 'hpc', runner, submitAs: 'service', slurmConf: null, binDir: '/usr/bin', accounting, site: 's', clusterName: null, logger }) };
}

// Gateway jobs 11..14 are Slurm jobs 1 (COMPLETED), 2 (FAILED 3), 3 (killed by 9), 4 (cancelled); 15 is the array 5; 16 left squeue long ago.
const LIVE = [
  { jobId: 11, ref: '1', openTasks: [] },
  { jobId: 12, ref: '2', openTasks: [] },
  { jobId: 13, ref: '3', openTasks: [] },
  { jobId: 14, ref: '4', openTasks: [] },
  { jobId: 15, ref: '5', openTasks: [0, 1, 2] },
  { jobId: 16, ref: '99', openTasks: [] },
];
const summary = (updates: { jobId: number; arrayIndex: number | null; state: string; exitCode: number | null; signal: number | null }[]) =>
  updates.map((u) => `${u.jobId}${u.arrayIndex === null ? '' : `_${u.arrayIndex}`} ${u.state} ${u.exitCode}:${u.signal ?? 0}`).sort();

describe('Slurm engine status pass without sacct', () => {
  it('slurmdbd down: final states and exit codes from scontrol, one warning for the pass, a job gone from squeue waits', async () => {
    const runner = new SlurmRunner((tool) => (tool === 'squeue' ? ok(recorded('squeue-ended.txt')) : tool === 'scontrol' ? ok(recorded('scontrol-show-job-ended.txt')) : failed(recorded('sacct-slurmdbd-down.stderr'))));
    const { slurm, warnings } = engine(runner);
    const updates = await slurm.syncAll(LIVE);
    expect(summary(updates)).toEqual(['11 COMPLETED 0:0', '12 FAILED 3:0', '13 FAILED 0:9', '14 CANCELLED 0:15', '15_0 COMPLETED 0:0', '15_1 FAILED 1:0', '15_2 FAILED 2:0']);
    expect(updates.find((u) => u.jobId === 12)).toMatchObject({ reason: 'NonZeroExitCode', node: 'vm' });
    expect(runner.slurmTools()).toEqual(['squeue', 'sacct', 'scontrol']);
    // sacct may hang while slurmdbd is down: the pass gives it less time than other commands.
    expect(runner.requests[1].timeoutMs).toBe(20_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toMatch(/sacct did not answer/);
    expect(JSON.stringify(warnings[0].obj)).toMatch(/Problem talking to the database/);
  });

  it('accounting storage disabled (engine not told): the same final states, and a job gone from every source is reported lost with the reason', async () => {
    const runner = new SlurmRunner((tool) => (tool === 'squeue' ? ok(recorded('squeue-ended.txt')) : tool === 'scontrol' ? ok(recorded('scontrol-show-job-ended.txt')) : failed(recorded('sacct-accounting-disabled.stderr'))));
    const { slurm } = engine(runner);
    const updates = await slurm.syncAll(LIVE);
    expect(summary(updates)).toContain('14 CANCELLED 0:15');
    expect(updates.find((u) => u.jobId === 16)).toMatchObject({ state: 'NODE_FAIL', reason: "Slurm job 99 is no longer in squeue and Slurm keeps no accounting (Slurm's accounting storage is disabled): its final state is unknown" });
  });

  it('scontrol failing too: squeue\'s own word is final', async () => {
    const runner = new SlurmRunner((tool) => (tool === 'squeue' ? ok(recorded('squeue-ended.txt')) : failed('slurm_load_jobs error: Unable to contact slurm controller')));
    const { slurm } = engine(runner, false);
    expect(summary(await slurm.syncAll(LIVE.slice(0, 4)))).toEqual(['11 COMPLETED 0:0', '12 FAILED 3:0', '13 FAILED 0:9', '14 CANCELLED 0:15']);
  });

  it('one job in a state the gateway cannot read does not hold back the others', async () => {
    const squeue = recorded('squeue-ended.txt').replace('|2|N/A|FAILED|', '|2|N/A|WEIRD|');
    const runner = new SlurmRunner((tool) => (tool === 'squeue' ? ok(squeue) : tool === 'scontrol' ? ok(recorded('scontrol-show-job-ended.txt')) : failed(recorded('sacct-accounting-disabled.stderr'))));
    const { slurm, warnings } = engine(runner);
    const updates = await slurm.syncAll(LIVE.slice(0, 4));
    expect(summary(updates)).toEqual(['11 COMPLETED 0:0', '13 FAILED 0:9', '14 CANCELLED 0:15']);
    expect(warnings.some((w) => JSON.stringify(w.obj).includes('unknown Slurm job state \\"WEIRD\\"'))).toBe(true);
  });
});

describe('Slurm engine submission and reconciliation', () => {
  it('a fault in the submit path that is not clearly transient refuses the job with its message; an unreachable runner is transient', async () => {
    const job = engineJob(7, '/tmp', {}, { owner: { username: 'alice', uid: 5000, gid: 5000, groups: [], home: '/home/alice' } });
    const broken = engine(new SlurmRunner(() => new TypeError('spawn E2BIG'))).slurm;
    await expect(broken.submit(job)).rejects.toThrow(EngineRefusedError);
    await expect(broken.submit(job)).rejects.toThrow(/cannot submit job 7 to Slurm on engine hpc: spawn E2BIG/);
    const down = engine(new SlurmRunner(() => new RunnerUnavailableError('ssh: connect refused'))).slurm;
    await expect(down.submit(job)).rejects.toThrow(EngineUnavailableError);
  });

  it('a retry asks squeue and sacct about that job\'s name only, and sacct only since the gateway accepted it', async () => {
    const runner = new SlurmRunner((tool) => (tool === 'id' ? ok('root\n') : ok('')));
    const { slurm } = engine(runner);
    const owner = { username: 'root', uid: 0, gid: 0, groups: [], home: '/root' };
    const submittedAt = new Date(2026, 11, 2, 12, 30, 0);
    expect(await slurm.findByTag({ id: 7, nonce: 'n', owner, name: 'my job', submittedAt })).toBeNull();
    const squeue = runner.requests.find((r) => r.argv.some((a) => a.endsWith('/squeue')))!.argv;
    const sacct = runner.requests.find((r) => r.argv.some((a) => a.endsWith('/sacct')))!.argv;
    expect(squeue).toContain('--name=my job');
    expect(sacct).toEqual(expect.arrayContaining(['--name=my job', '--starttime=2026-12-02T12:20:00']));
    expect(sacct.join(' ')).not.toMatch(/7days/);
  });
});
