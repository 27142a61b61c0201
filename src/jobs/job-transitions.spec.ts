import type { TaskUpdate } from '../engines/engine';
import type { JobState } from '../domain/job';
import { aggregateTaskStates, planJobChange } from './job-transitions';
import type { JobRow, TaskRow } from './jobs.repository';

const t0 = new Date('2026-11-21T10:00:00Z');
const t1 = new Date('2026-11-21T10:05:00Z');

function task(index: number, state: JobState, extra: Partial<TaskRow> = {}): TaskRow {
  return { id: index, jobId: 7, index, rawId: 7 + index, state, reason: null, exitCode: null, signal: null, startTime: null, endTime: null, nodeList: null, engineId: null, cancelRequestedAt: null, ...extra };
}
function job(state: JobState, tasks: TaskRow[] = []): JobRow {
  return { id: 7, state, reason: 'Priority', exitCode: null, signal: null, startTime: null, endTime: null, nodeList: null, tasks } as unknown as JobRow;
}
function update(arrayIndex: number | null, state: JobState, extra: Partial<TaskUpdate> = {}): TaskUpdate {
  return { jobId: 7, arrayIndex, state, reason: null, exitCode: null, signal: null, startTime: null, endTime: null, node: null, ...extra };
}

describe('job transitions from engine observations', () => {
  it('records a start with its time and node, and one event', () => {
    const change = planJobChange(job('PENDING'), [update(null, 'RUNNING', { startTime: t0, node: 'n1' })], 'engine:local');
    expect(change?.job).toMatchObject({ state: 'RUNNING', startTime: t0, nodeList: 'n1', reason: null });
    expect(change?.events).toEqual([{ arrayIndex: null, fromState: 'PENDING', toState: 'RUNNING', reason: null, actor: 'engine:local' }]);
  });

  it('writes nothing when nothing changed', () => {
    const j = { ...job('RUNNING'), startTime: t0, nodeList: 'n1', reason: null } as JobRow;
    expect(planJobChange(j, [update(null, 'RUNNING', { startTime: t0, node: 'n1' })], 'x')).toBeNull();
  });

  it("stores an array task's own engine id once seen, and only when it changes", () => {
    const pending = job('PENDING', [task(0, 'PENDING'), task(1, 'PENDING')]);
    const change = planJobChange(pending, [update(0, 'RUNNING', { startTime: t0, node: 'n1', engineId: '4242' })], 'x');
    expect(change?.tasks).toEqual([{ index: 0, data: expect.objectContaining({ state: 'RUNNING', nodeList: 'n1', engineId: '4242' }) }]);
    const running = job('RUNNING', [task(0, 'RUNNING', { startTime: t0, nodeList: 'n1', engineId: '4242' }), task(1, 'PENDING')]);
    expect(planJobChange(running, [update(0, 'RUNNING', { startTime: t0, node: 'n1', engineId: '4242' })], 'x')).toBeNull();
  });

  it('never moves a finished job', () => {
    expect(planJobChange(job('COMPLETED'), [update(null, 'RUNNING')], 'x')).toBeNull();
  });

  it('records exit code and signal of a failure', () => {
    const change = planJobChange(job('RUNNING'), [update(null, 'FAILED', { exitCode: 3, endTime: t1 })], 'x');
    expect(change?.job).toMatchObject({ state: 'FAILED', exitCode: 3, endTime: t1 });
  });

  it('a task the engine lost gets its own final state and reason; the array job ends with the worst of its tasks', () => {
    const lost = 'Slurm job 501_1 is neither in squeue nor in sacct: its final state is unknown';
    const change = planJobChange(job('RUNNING', [task(0, 'COMPLETED', { exitCode: 0, endTime: t0 }), task(1, 'RUNNING')]), [update(1, 'NODE_FAIL', { reason: lost, endTime: t1 })], 'x');
    expect(change?.tasks).toEqual([{ index: 1, data: expect.objectContaining({ state: 'NODE_FAIL', reason: lost, endTime: t1 }) }]);
    expect(change?.job).toMatchObject({ state: 'NODE_FAIL', endTime: t1 });
    expect(change?.events?.map((e) => [e.arrayIndex, e.toState, e.reason])).toEqual([
      [1, 'NODE_FAIL', lost],
      [null, 'NODE_FAIL', null],
    ]);
  });

  it("derives an array job's state from its tasks, with one event per task change", () => {
    const j = job('PENDING', [task(0, 'PENDING'), task(1, 'PENDING')]);
    const change = planJobChange(j, [update(0, 'RUNNING', { startTime: t0 }), update(1, 'PENDING', { reason: 'JobArrayTaskLimit' })], 'x');
    expect(change?.tasks?.map((t) => [t.index, t.data.state])).toEqual([
      [0, 'RUNNING'],
      [1, 'PENDING'],
    ]);
    expect(change?.job).toMatchObject({ state: 'RUNNING' });
    expect(change?.events?.map((e) => [e.arrayIndex, e.toState])).toEqual([
      [0, 'RUNNING'],
      [null, 'RUNNING'],
    ]);
  });

  it('an array whose tasks all completed is COMPLETED; one failed task makes it FAILED with the highest exit code', () => {
    const done = aggregateTaskStates([task(0, 'COMPLETED', { exitCode: 0, endTime: t0 }), task(1, 'COMPLETED', { exitCode: 0, endTime: t1 })]);
    expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0, endTime: t1 });
    const failed = aggregateTaskStates([task(0, 'COMPLETED', { exitCode: 0 }), task(1, 'FAILED', { exitCode: 4 })]);
    expect(failed).toMatchObject({ state: 'FAILED', exitCode: 4 });
    expect(aggregateTaskStates([task(0, 'COMPLETED'), task(1, 'RUNNING')]).state).toBe('RUNNING');
    expect(aggregateTaskStates([task(0, 'HELD'), task(1, 'HELD')]).state).toBe('HELD');
  });
});
