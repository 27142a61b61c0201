import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalEngine } from './local-engine';
import { stampOf } from './runtime/process-stamp';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus, reachState } from '../../../test/local-engine/job-status';
import { isRunning, liveProcessesInGroup } from '../../../test/local-engine/processes';
import { Scratch } from '../../../test/local-engine/state-dir';
import { recordedStamp } from '../../../test/local-engine/task-files';
import { waitFor } from '../../../test/local-engine/wait-for';
import { giveToTestJob, ownedDir } from '../../../test/support/test-accounts';

jest.setTimeout(30_000);

const scratch = new Scratch();
let workdir: string;
beforeAll(() => {
  workdir = scratch.path('work');
  ownedDir(workdir);
});
afterAll(() => scratch.cleanup());

const becomesExecutor = (b: LocalEngine) => waitFor('executor lock', () => (b.isExecutor ? true : undefined), 5_000);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local engine: one executor per state directory, and restarts', () => {
  it('a second instance waits on standby while the first holds the lock, and takes over when it stops', async () => {
    const stateDir = scratch.path('state-lock');
    const first = scratch.engine({ stateDir });
    await first.start();
    await becomesExecutor(first);

    const second = scratch.engine({ stateDir });
    await second.start();
    await pause(300);
    expect(second.isExecutor).toBe(false);
    expect(scratch.logs.some((l) => l.msg?.includes('on standby'))).toBe(true);

    await first.stop();
    await becomesExecutor(second);
    // Submitted through an instance without a loop (as the API does): the executor on the same directory runs it.
    await first.submit(engineJob(501, workdir, { script: '#!/bin/bash\necho via second\n' }));
    expect((await finalStatus(second, 501))[0].state).toBe('COMPLETED');
    await second.stop();
  });

  it('takes over a lock left by an executor process that is gone', async () => {
    const stateDir = scratch.path('state-stale');
    mkdirSync(stateDir);
    const dead = spawn('sleep', ['30']);
    const stamp = await waitFor('stamp of the soon-dead holder', () => stampOf(dead.pid!) ?? undefined);
    dead.kill('SIGKILL');
    await waitFor('holder gone', () => (isRunning(dead.pid!) ? undefined : true));
    writeFileSync(join(stateDir, 'executor.lock'), JSON.stringify({ ...stamp, token: 'crashed-worker', acquiredAt: new Date().toISOString() }));

    const engine = scratch.engine({ stateDir });
    await engine.start();
    await becomesExecutor(engine);
    expect(JSON.parse(readFileSync(join(stateDir, 'executor.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await engine.stop();
  });

  it('a worker restart leaves running jobs alone; the next executor reports them COMPLETED', async () => {
    const stateDir = scratch.path('state-restart');
    const before = scratch.engine({ stateDir });
    await before.start();
    await before.submit(engineJob(510, workdir, { script: '#!/bin/bash\nsleep 1.5\necho survived the restart\n' }));
    await reachState(before, 510, 'RUNNING');
    const job = await recordedStamp(stateDir, 510, 'batch', 'pid');

    await before.stop();
    expect(isRunning(job.pid)).toBe(true);

    const after = scratch.engine({ stateDir });
    await after.start();
    expect((await finalStatus(after, 510))[0]).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(readFileSync(`${workdir}/slurm-510.out`, 'utf8')).toBe('survived the restart\n');
    await after.stop();
  });

  it('a launcher killed with SIGKILL makes the task NODE_FAIL, its processes are killed and its slot freed', async () => {
    const stateDir = scratch.path('state-lost');
    const engine = scratch.engine({ stateDir, slots: 1 });
    await engine.start();
    await engine.submit(engineJob(520, workdir, { script: '#!/bin/bash\nsleep 1000 &\nwait\n' }));
    await reachState(engine, 520, 'RUNNING');
    const launcher = await recordedStamp(stateDir, 520, 'batch', 'launcher');
    const job = await recordedStamp(stateDir, 520, 'batch', 'pid');
    await engine.submit(engineJob(521, workdir, { script: '#!/bin/bash\necho next\n' }));

    process.kill(launcher.pid, 'SIGKILL');
    const [lost] = await finalStatus(engine, 520);
    expect(lost).toMatchObject({ state: 'NODE_FAIL', reason: 'launcher lost (worker host restarted?)' });
    await waitFor('orphaned job processes killed', () => (liveProcessesInGroup(job.pid).length === 0 ? true : undefined), 5_000);
    expect((await finalStatus(engine, 521))[0].state).toBe('COMPLETED');
    expect(scratch.logs.some((l) => l.level === 'warn' && l.msg === 'local task lost its launcher')).toBe(true);
  });

  it('a job whose state cannot be read is skipped and reported once; the rest of the queue runs', async () => {
    const stateDir = scratch.path('state-broken');
    const engine = scratch.engine({ stateDir });
    await engine.start();
    mkdirSync(join(stateDir, '530'));
    writeFileSync(join(stateDir, '530', 'job.json'), '{ truncated');
    mkdirSync(join(stateDir, 'active'), { recursive: true });
    writeFileSync(join(stateDir, 'active', '530'), '');
    await engine.submit(engineJob(531, workdir, { script: '#!/bin/bash\necho fine\n' }));
    expect((await finalStatus(engine, 531))[0].state).toBe('COMPLETED');
    await pause(200);
    expect(scratch.logs.filter((l) => l.msg === 'local job state unreadable; skipping it' && (l.o as { jobId: number }).jobId === 530)).toHaveLength(1);
  });
});
