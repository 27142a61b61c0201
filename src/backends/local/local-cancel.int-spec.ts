import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ErrorCode } from '../../common/domain-error';
import type { LocalBackend } from './local-backend';
import { backendJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus, reachState, statusOf } from '../../../test/local-engine/job-status';
import { liveProcessesInGroup } from '../../../test/local-engine/processes';
import { Scratch } from '../../../test/local-engine/state-dir';
import { recordedStamp } from '../../../test/local-engine/task-files';
import { waitFor } from '../../../test/local-engine/wait-for';
import { giveToTestJob, ownedDir } from '../../../test/support/test-accounts';

jest.setTimeout(30_000);

const scratch = new Scratch();
let backend: LocalBackend;
let stateDir: string;
let workdir: string;

beforeAll(async () => {
  workdir = scratch.path('work');
  ownedDir(workdir);
  stateDir = scratch.path('state');
  backend = scratch.backend({ stateDir, slots: 1, killWaitSeconds: 1 });
  await backend.start();
});
afterAll(() => scratch.cleanup());

/** Nothing of the job's process group may survive (zombies awaiting PID 1 do not count). */
async function expectNoSurvivors(pgid: number): Promise<void> {
  await waitFor(`no process left in group ${pgid}`, () => (liveProcessesInGroup(pgid).length === 0 ? true : undefined), 5_000);
}

describe('local engine: cancel', () => {
  it('cancelling a running job kills its whole process group, background children included', async () => {
    const script = '#!/bin/bash\nsleep 1000 &\nsleep 1001 &\necho started\nwait\n';
    await backend.submit(backendJob(301, workdir, { script }));
    await reachState(backend, 301, 'RUNNING');
    const job = await recordedStamp(stateDir, 301, 'batch', 'pid');
    await waitFor('both background sleeps', () => (liveProcessesInGroup(job.pid).length >= 3 ? true : undefined));

    await backend.cancel('301', 301, null);
    const [update] = await finalStatus(backend, 301);
    expect(update).toMatchObject({ state: 'CANCELLED', signal: 15 });
    await expectNoSurvivors(job.pid);
  });

  it('a job that ignores SIGTERM is killed after KillWait', async () => {
    await backend.submit(backendJob(302, workdir, { script: "#!/bin/bash\ntrap '' TERM\nsleep 1000 &\nwait\nsleep 1000\n" }));
    await reachState(backend, 302, 'RUNNING');
    const job = await recordedStamp(stateDir, 302, 'batch', 'pid');
    const cancelledAt = Date.now();
    await backend.cancel('302', 302, null);
    const [update] = await finalStatus(backend, 302);
    expect(update).toMatchObject({ state: 'CANCELLED', signal: 9 });
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(1000);
    await expectNoSurvivors(job.pid);
  });

  it('cancelling a pending job settles it as CANCELLED at once; it never runs', async () => {
    await backend.submit(backendJob(303, workdir, { script: '#!/bin/bash\nsleep 1000\n' }));
    await reachState(backend, 303, 'RUNNING');
    await backend.submit(backendJob(304, workdir, { output: 'never-%j.out', script: '#!/bin/bash\necho ran\n' }));
    // The executor records why it waits on its next pass.
    await waitFor('304 to wait for Resources', async () => ((await statusOf(backend, 304))[0].reason === 'Resources' ? true : undefined));

    await backend.cancel('304', 304, null);
    expect((await statusOf(backend, 304))[0]).toMatchObject({ state: 'CANCELLED', startTime: null, node: null });

    await backend.cancel('303', 303, null);
    await finalStatus(backend, 303);
    await new Promise((r) => setTimeout(r, 300)); // the slot is free now: a few executor passes must still not start 304
    expect((await statusOf(backend, 304))[0].state).toBe('CANCELLED');
    expect(existsSync(`${workdir}/never-304.out`)).toBe(false);
  });

  it('cancelling one array task leaves the others; cancelling a finished job changes nothing', async () => {
    const script = '#!/bin/bash\necho task $SLURM_ARRAY_TASK_ID\n';
    await backend.submit(backendJob(305, workdir, { array: { indices: [0, 1, 2], maxConcurrent: null }, script }));
    await backend.cancel('305', 305, 2);
    const updates = await finalStatus(backend, 305);
    expect(updates.map((u) => [u.arrayIndex, u.state])).toEqual([
      [0, 'COMPLETED'],
      [1, 'COMPLETED'],
      [2, 'CANCELLED'],
    ]);
    await backend.cancel('305', 305, null);
    expect((await statusOf(backend, 305)).map((u) => u.state)).toEqual(['COMPLETED', 'COMPLETED', 'CANCELLED']);
    expect(readFileSync(`${workdir}/slurm-305_1.out`, 'utf8')).toBe('task 1\n');
  });

  it('names the array tasks that exist when asked to cancel one that does not', async () => {
    await expect(backend.cancel('305', 305, 7)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      message: 'job 305 has no array task 7 on engine local: its array tasks are 0-2',
    });
    await expect(backend.cancel('../etc', 305, null)).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });
});
