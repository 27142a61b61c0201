import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ErrorCode } from '../../common/domain-error';
import type { LocalEngine } from './local-engine';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus, reachState, statusOf } from '../../../test/local-engine/job-status';
import { liveProcessesInGroup } from '../../../test/local-engine/processes';
import { Scratch } from '../../../test/local-engine/state-dir';
import { recordedStamp } from '../../../test/local-engine/task-files';
import { waitFor } from '../../../test/local-engine/wait-for';
import { giveToTestJob, ownedDir } from '../../../test/support/test-accounts';

jest.setTimeout(30_000);

const scratch = new Scratch();
let engine: LocalEngine;
let stateDir: string;
let workdir: string;

beforeAll(async () => {
  workdir = scratch.path('work');
  ownedDir(workdir);
  stateDir = scratch.path('state');
  engine = scratch.engine({ stateDir, slots: 1, killWaitSeconds: 1 });
  await engine.start();
});
afterAll(() => scratch.cleanup());

/** Nothing of the job's process group may survive (zombies awaiting PID 1 do not count). */
async function expectNoSurvivors(pgid: number): Promise<void> {
  await waitFor(`no process left in group ${pgid}`, () => (liveProcessesInGroup(pgid).length === 0 ? true : undefined), 5_000);
}

describe('local engine: cancel', () => {
  it('cancelling a running job kills its whole process group, background children included', async () => {
    const script = '#!/bin/bash\nsleep 1000 &\nsleep 1001 &\necho started\nwait\n';
    await engine.submit(engineJob(301, workdir, { script }));
    await reachState(engine, 301, 'RUNNING');
    const job = await recordedStamp(stateDir, 301, 'batch', 'pid');
    await waitFor('both background sleeps', () => (liveProcessesInGroup(job.pid).length >= 3 ? true : undefined));

    await engine.cancel('301', 301, null);
    const [update] = await finalStatus(engine, 301);
    expect(update).toMatchObject({ state: 'CANCELLED', signal: 15 });
    await expectNoSurvivors(job.pid);
  });

  it('a job that ignores SIGTERM is killed after KillWait', async () => {
    await engine.submit(engineJob(302, workdir, { script: "#!/bin/bash\ntrap '' TERM\nsleep 1000 &\nwait\nsleep 1000\n" }));
    await reachState(engine, 302, 'RUNNING');
    const job = await recordedStamp(stateDir, 302, 'batch', 'pid');
    const cancelledAt = Date.now();
    await engine.cancel('302', 302, null);
    const [update] = await finalStatus(engine, 302);
    expect(update).toMatchObject({ state: 'CANCELLED', signal: 9 });
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(1000);
    await expectNoSurvivors(job.pid);
  });

  it('cancelling a pending job settles it as CANCELLED at once; it never runs', async () => {
    await engine.submit(engineJob(303, workdir, { script: '#!/bin/bash\nsleep 1000\n' }));
    await reachState(engine, 303, 'RUNNING');
    await engine.submit(engineJob(304, workdir, { output: 'never-%j.out', script: '#!/bin/bash\necho ran\n' }));
    // The executor records why it waits on its next pass.
    await waitFor('304 to wait for Resources', async () => ((await statusOf(engine, 304))[0].reason === 'Resources' ? true : undefined));

    await engine.cancel('304', 304, null);
    expect((await statusOf(engine, 304))[0]).toMatchObject({ state: 'CANCELLED', startTime: null, node: null });

    await engine.cancel('303', 303, null);
    await finalStatus(engine, 303);
    await new Promise((r) => setTimeout(r, 300)); // the slot is free now: a few executor passes must still not start 304
    expect((await statusOf(engine, 304))[0].state).toBe('CANCELLED');
    expect(existsSync(`${workdir}/never-304.out`)).toBe(false);
  });

  it('cancelling one array task leaves the others; cancelling a finished job changes nothing', async () => {
    const script = '#!/bin/bash\necho task $SLURM_ARRAY_TASK_ID\n';
    await engine.submit(engineJob(305, workdir, { array: { indices: [0, 1, 2], maxConcurrent: null }, script }));
    await engine.cancel('305', 305, 2);
    const updates = await finalStatus(engine, 305);
    expect(updates.map((u) => [u.arrayIndex, u.state])).toEqual([
      [0, 'COMPLETED'],
      [1, 'COMPLETED'],
      [2, 'CANCELLED'],
    ]);
    await engine.cancel('305', 305, null);
    expect((await statusOf(engine, 305)).map((u) => u.state)).toEqual(['COMPLETED', 'COMPLETED', 'CANCELLED']);
    expect(readFileSync(`${workdir}/slurm-305_1.out`, 'utf8')).toBe('task 1\n');
  });

  it('names the array tasks that exist when asked to cancel one that does not', async () => {
    await expect(engine.cancel('305', 305, 7)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      message: 'job 305 has no array task 7 on engine local: its array tasks are 0-2',
    });
    await expect(engine.cancel('../etc', 305, null)).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });
});
