import { mkdirSync, readFileSync } from 'node:fs';
import type { TaskUpdate } from '../engine';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus, statusOf } from '../../../test/local-engine/job-status';
import { Scratch } from '../../../test/local-engine/state-dir';
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

/** Each task records when it ran, from inside the script (nanoseconds since the epoch). */
const timedScript = [
  '#!/bin/bash',
  'echo "start $(date +%s%N)"',
  'echo "ids $SLURM_JOB_ID $SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN $SLURM_ARRAY_TASK_MAX $SLURM_ARRAY_TASK_STEP"',
  'sleep 0.4',
  'echo "end $(date +%s%N)"',
  '',
].join('\n');

function intervalOf(file: string): { start: bigint; end: bigint; ids: string } {
  const text = readFileSync(`${workdir}/${file}`, 'utf8');
  const field = (name: string) => text.match(new RegExp(`^${name} (.*)$`, 'm'))![1];
  return { start: BigInt(field('start')), end: BigInt(field('end')), ids: field('ids') };
}

/** The most tasks that ever ran at the same moment. */
function maxOverlap(intervals: { start: bigint; end: bigint }[]): number {
  return Math.max(...intervals.map((a) => intervals.filter((b) => b.start <= a.start && a.start < b.end).length));
}

/** Polls while the job runs and remembers every pending reason seen. */
async function reasonsWhileRunning(engine: Parameters<typeof statusOf>[0], jobId: number): Promise<{ final: TaskUpdate[]; reasons: Set<string> }> {
  const reasons = new Set<string>();
  const final = await waitFor(`job ${jobId} to finish`, async () => {
    const updates = await statusOf(engine, jobId);
    for (const u of updates) if (u.state === 'PENDING' && u.reason) reasons.add(u.reason);
    return updates.every((u) => u.state !== 'PENDING' && u.state !== 'RUNNING') ? updates : undefined;
  }, 25_000, 40);
  return { final, reasons };
}

describe('local engine: job arrays', () => {
  it('--array=0-5%2 never runs more than 2 tasks at once, each with its own ids and output file', async () => {
    const engine = scratch.engine({ stateDir: scratch.path('state-throttle'), slots: 4 });
    await engine.start();
    const indices = [0, 1, 2, 3, 4, 5];
    await engine.submit(engineJob(400, workdir, { array: { indices, maxConcurrent: 2 }, script: timedScript }));

    const { final, reasons } = await reasonsWhileRunning(engine, 400);
    expect(final.map((u) => [u.arrayIndex, u.state])).toEqual(indices.map((i) => [i, 'COMPLETED']));
    expect(reasons).toContain('JobArrayTaskLimit');

    const intervals = indices.map((i) => intervalOf(`slurm-400_${i}.out`));
    expect(maxOverlap(intervals)).toBe(2);
    // The task's own job id, then the array's: master id, index, count, min, max, step.
    expect(intervals.map((t) => t.ids)).toEqual(indices.map((i) => `${400 + i} 400 ${i} 6 0 5 1`));
    // Lowest indices first: tasks 0 and 1 start (together) before any other.
    const [first, second, ...rest] = intervals.map((t) => t.start);
    for (const later of rest) expect(later > first && later > second).toBe(true);
  });

  it('with 2 slots and --cpus-per-task=2, array tasks run one at a time', async () => {
    const engine = scratch.engine({ stateDir: scratch.path('state-slots'), slots: 2 });
    await engine.start();
    const indices = [1, 3, 5];
    await engine.submit(engineJob(410, workdir, { array: { indices, maxConcurrent: null }, cpusPerTask: 2, script: timedScript }));

    const { final, reasons } = await reasonsWhileRunning(engine, 410);
    expect(final.every((u) => u.state === 'COMPLETED')).toBe(true);
    expect(reasons).toContain('Resources');
    expect(maxOverlap(indices.map((i) => intervalOf(`slurm-410_${i}.out`)))).toBe(1);
    expect(intervalOf('slurm-410_5.out').ids).toBe('412 410 5 3 1 5 2');
  });

  it('a later small job starts while an array that needs every slot waits (first fit)', async () => {
    const engine = scratch.engine({ stateDir: scratch.path('state-fit'), slots: 2 });
    await engine.start();
    await engine.submit(engineJob(420, workdir, { script: '#!/bin/bash\nsleep 1\n' }));
    await waitFor('420 running', async () => ((await statusOf(engine, 420))[0].state === 'RUNNING' ? true : undefined));
    await engine.submit(engineJob(421, workdir, { cpusPerTask: 2, script: '#!/bin/bash\ntrue\n' }));
    await engine.submit(engineJob(422, workdir, { script: '#!/bin/bash\ntrue\n' }));
    const [small] = await finalStatus(engine, 422);
    expect(small.state).toBe('COMPLETED');
    const [big] = await statusOf(engine, 421);
    expect(big).toMatchObject({ state: 'PENDING', reason: 'Resources' });
    expect((await finalStatus(engine, 421))[0].state).toBe('COMPLETED');
  });
});
