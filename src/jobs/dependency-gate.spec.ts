import { decideGate, evaluateDependencies } from './dependency-gate';
import type { DependencySpec, JobSpec, JobState } from './job-spec';
import type { DependencyView } from './jobs.repository';

const now = new Date('2026-11-21T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

function spec(dependency: DependencySpec | null, extra: Partial<JobSpec> = {}): JobSpec {
  return { dependency, hold: false, begin: null, ...extra } as JobSpec;
}
function view(id: number, state: JobState, exitCode: number | null = null, startTime: Date | null = null, tasks: DependencyView['tasks'] = []): DependencyView {
  return { id, userId: 1, state, exitCode, startTime, endTime: null, tasks };
}
const deps = (...views: DependencyView[]) => new Map(views.map((v) => [v.id, v]));
const dep = (type: DependencySpec['items'][0]['type'], jobIds: number[], mode: 'all' | 'any' = 'all', delayMinutes: number | null = null): DependencySpec => ({
  mode,
  items: [{ type, jobIds, delayMinutes }],
});

describe('dependency gate (Slurm semantics of sbatch -d)', () => {
  it.each([
    ['afterok', 'COMPLETED', 0, 'satisfied'],
    ['afterok', 'FAILED', 1, 'never'],
    ['afterok', 'RUNNING', null, 'waiting'],
    ['afterok', 'CANCELLED', null, 'never'],
    ['afternotok', 'FAILED', 2, 'satisfied'],
    ['afternotok', 'TIMEOUT', null, 'satisfied'],
    ['afternotok', 'CANCELLED', null, 'satisfied'],
    ['afternotok', 'COMPLETED', 0, 'never'],
    ['afterany', 'FAILED', 1, 'satisfied'],
    ['afterany', 'PENDING', null, 'waiting'],
  ] as const)('%s on a %s job (exit %s) is %s', (type, state, exit, expected) => {
    expect(evaluateDependencies(spec(dep(type, [1])), deps(view(1, state, exit)), false, now)).toBe(expected);
  });

  it('after: satisfied once the job started, or when it was cancelled before starting', () => {
    expect(evaluateDependencies(spec(dep('after', [1])), deps(view(1, 'PENDING')), false, now)).toBe('waiting');
    expect(evaluateDependencies(spec(dep('after', [1])), deps(view(1, 'RUNNING', null, minutesAgo(1))), false, now)).toBe('satisfied');
    expect(evaluateDependencies(spec(dep('after', [1])), deps(view(1, 'CANCELLED')), false, now)).toBe('satisfied');
  });

  it('after:id+N waits N minutes after the start', () => {
    const d = dep('after', [1], 'all', 5);
    expect(evaluateDependencies(spec(d), deps(view(1, 'RUNNING', null, minutesAgo(2))), false, now)).toBe('waiting');
    expect(evaluateDependencies(spec(d), deps(view(1, 'RUNNING', null, minutesAgo(6))), false, now)).toBe('satisfied');
  });

  it('afterok on an array job needs every task to complete', () => {
    const tasks = (s: JobState[]) => s.map((state, index) => ({ index, state, startTime: null, exitCode: state === 'COMPLETED' ? 0 : 1 }));
    expect(evaluateDependencies(spec(dep('afterok', [1])), deps(view(1, 'RUNNING', null, null, tasks(['COMPLETED', 'RUNNING']))), false, now)).toBe('waiting');
    expect(evaluateDependencies(spec(dep('afterok', [1])), deps(view(1, 'COMPLETED', 0, null, tasks(['COMPLETED', 'COMPLETED']))), false, now)).toBe('satisfied');
    expect(evaluateDependencies(spec(dep('afterok', [1])), deps(view(1, 'FAILED', 1, null, tasks(['COMPLETED', 'FAILED']))), false, now)).toBe('never');
  });

  it('an item naming one array task looks only at that task', () => {
    const d: DependencySpec = { mode: 'all', items: [{ type: 'afterok', jobIds: [1], arrayTaskIds: [1], delayMinutes: null }] };
    const v = view(1, 'RUNNING', null, null, [
      { index: 0, state: 'RUNNING', startTime: null, exitCode: null },
      { index: 1, state: 'COMPLETED', startTime: null, exitCode: 0 },
    ]);
    expect(evaluateDependencies(spec(d), deps(v), false, now)).toBe('satisfied');
  });

  it('"," needs all items, "?" any item', () => {
    const all: DependencySpec = { mode: 'all', items: [{ type: 'afterok', jobIds: [1], delayMinutes: null }, { type: 'afterok', jobIds: [2], delayMinutes: null }] };
    const any: DependencySpec = { ...all, mode: 'any' };
    const d = deps(view(1, 'COMPLETED', 0), view(2, 'FAILED', 1));
    expect(evaluateDependencies(spec(all), d, false, now)).toBe('never');
    expect(evaluateDependencies(spec(any), d, false, now)).toBe('satisfied');
    expect(evaluateDependencies(spec(any), deps(view(1, 'FAILED', 1), view(2, 'FAILED', 1)), false, now)).toBe('never');
  });

  it('singleton waits while an earlier job of the same name and user is unfinished', () => {
    const d: DependencySpec = { mode: 'all', items: [{ type: 'singleton', jobIds: [], delayMinutes: null }] };
    expect(evaluateDependencies(spec(d), deps(), true, now)).toBe('waiting');
    expect(evaluateDependencies(spec(d), deps(), false, now)).toBe('satisfied');
  });

  it('a dependency on a job that does not exist can never be satisfied', () => {
    expect(evaluateDependencies(spec(dep('afterany', [99])), deps(), false, now)).toBe('never');
  });

  it('decides hold first, then dependencies, then begin time', () => {
    expect(decideGate({ state: 'HELD', spec: spec(null) }, deps(), false, now)).toEqual({ kind: 'wait', reason: 'JobHeldUser' });
    expect(decideGate({ state: 'PENDING', spec: spec(dep('afterok', [1])) }, deps(view(1, 'RUNNING')), false, now)).toEqual({ kind: 'wait', reason: 'Dependency' });
    expect(decideGate({ state: 'PENDING', spec: spec(dep('afterok', [1])) }, deps(view(1, 'FAILED', 1)), false, now)).toEqual({ kind: 'never', reason: 'DependencyNeverSatisfied' });
    const later = new Date(now.getTime() + 60_000).toISOString();
    expect(decideGate({ state: 'PENDING', spec: spec(null, { begin: later }) }, deps(), false, now)).toEqual({ kind: 'wait', reason: 'BeginTime' });
    expect(decideGate({ state: 'PENDING', spec: spec(null, { begin: minutesAgo(1).toISOString() }) }, deps(), false, now)).toEqual({ kind: 'eligible' });
  });
});
