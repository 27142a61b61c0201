import { decideGate, evaluateDependencies, nativeDependency } from './dependency-gate';
import type { DependencySpec, JobSpec, JobState } from '../domain/job';
import type { DependencyView } from './jobs.repository';

const now = new Date('2026-11-21T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

function spec(dependency: DependencySpec | null, extra: Partial<JobSpec> = {}): JobSpec {
  return { dependency, hold: false, begin: null, ...extra } as JobSpec;
}
function view(id: number, state: JobState, exitCode: number | null = null, startTime: Date | null = null, tasks: DependencyView['tasks'] = []): DependencyView {
  return { id, userId: 1, engine: 'local', engineRef: null, state, exitCode, startTime, endTime: null, tasks };
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

  describe('on an engine that enforces dependencies itself (Slurm)', () => {
    const inSlurm = (v: DependencyView, engineRef: string | null): DependencyView => ({ ...v, engine: 'hpc', engineRef });

    it('passes a dependency on a job of the same engine once that job has its engine ref', () => {
      const s = spec(dep('afterok', [1]));
      expect(decideGate({ state: 'PENDING', spec: s }, deps(inSlurm(view(1, 'PENDING'), null)), false, now, 'hpc')).toEqual({ kind: 'wait', reason: 'Dependency' });
      expect(decideGate({ state: 'PENDING', spec: s }, deps(inSlurm(view(1, 'RUNNING'), '501')), false, now, 'hpc')).toEqual({ kind: 'eligible' });
      expect(nativeDependency(s, deps(inSlurm(view(1, 'RUNNING'), '501')), now, 'hpc')).toEqual({ mode: 'all', items: [{ type: 'afterok', targets: [{ ref: '501', arrayIndex: null }], delayMinutes: null }] });
    });

    it('keeps with the gateway what it already decided, jobs of other engines, and engines without native dependencies', () => {
      const s = spec(dep('afterok', [1]));
      // Ended in the gateway: decided here (Slurm may have forgotten the job), as the local engine does.
      expect(decideGate({ state: 'PENDING', spec: s }, deps(inSlurm(view(1, 'FAILED', 1), '501')), false, now, 'hpc')).toEqual({ kind: 'never', reason: 'DependencyNeverSatisfied' });
      expect(decideGate({ state: 'PENDING', spec: s }, deps(inSlurm(view(1, 'COMPLETED', 0), '501')), false, now, 'hpc')).toEqual({ kind: 'eligible' });
      expect(nativeDependency(s, deps(inSlurm(view(1, 'COMPLETED', 0), '501')), now, 'hpc')).toBeNull();
      // Another engine's job, or an engine that does not enforce dependencies: the gateway waits.
      expect(decideGate({ state: 'PENDING', spec: s }, deps({ ...view(1, 'RUNNING'), engine: 'k8s', engineRef: 'pod-1' }), false, now, 'hpc')).toEqual({ kind: 'wait', reason: 'Dependency' });
      expect(decideGate({ state: 'PENDING', spec: s }, deps(inSlurm(view(1, 'RUNNING'), '501')), false, now, null)).toEqual({ kind: 'wait', reason: 'Dependency' });
    });

    it('mixes native and gateway items: singleton and begin time stay here, "?" passes only when nothing waits here', () => {
      const both: DependencySpec = { mode: 'all', items: [{ type: 'afterany', jobIds: [1], delayMinutes: null }, { type: 'singleton', jobIds: [], delayMinutes: null }] };
      const d = deps(inSlurm(view(1, 'RUNNING'), '501'), { ...view(2, 'RUNNING'), engine: 'k8s', engineRef: 'pod-2' });
      expect(decideGate({ state: 'PENDING', spec: spec(both) }, d, true, now, 'hpc')).toEqual({ kind: 'wait', reason: 'Dependency' });
      expect(decideGate({ state: 'PENDING', spec: spec(both) }, d, false, now, 'hpc')).toEqual({ kind: 'eligible' });
      expect(nativeDependency(spec(both), d, now, 'hpc')).toEqual({ mode: 'all', items: [{ type: 'afterany', targets: [{ ref: '501', arrayIndex: null }], delayMinutes: null }] });
      const later = new Date(now.getTime() + 60_000).toISOString();
      expect(decideGate({ state: 'PENDING', spec: spec(dep('afterany', [1]), { begin: later }) }, d, false, now, 'hpc')).toEqual({ kind: 'wait', reason: 'BeginTime' });

      const any: DependencySpec = { mode: 'any', items: [{ type: 'afterok', jobIds: [1], delayMinutes: null }, { type: 'afterok', jobIds: [2], delayMinutes: null }] };
      expect(decideGate({ state: 'PENDING', spec: spec(any) }, d, false, now, 'hpc')).toEqual({ kind: 'wait', reason: 'Dependency' });
      const d2 = deps(inSlurm(view(1, 'RUNNING'), '501'), inSlurm(view(2, 'PENDING'), '502'));
      expect(decideGate({ state: 'PENDING', spec: spec(any) }, d2, false, now, 'hpc')).toEqual({ kind: 'eligible' });
      expect(nativeDependency(spec(any), d2, now, 'hpc')?.items.map((i) => i.targets[0].ref)).toEqual(['501', '502']);
    });

    it('names array tasks and keeps after\'s delay', () => {
      const d: DependencySpec = { mode: 'all', items: [{ type: 'after', jobIds: [1, 1], arrayTaskIds: [3, null], delayMinutes: 5 }] };
      const v = inSlurm(view(1, 'PENDING', null, null, [{ index: 3, state: 'PENDING', startTime: null, exitCode: null }]), '600');
      expect(nativeDependency(spec(d), deps(v), now, 'hpc')).toEqual({ mode: 'all', items: [{ type: 'after', targets: [{ ref: '600', arrayIndex: 3 }, { ref: '600', arrayIndex: null }], delayMinutes: 5 }] });
    });

    it('a dependency that turned unsatisfiable after the gate released the job goes to the engine, which keeps it pending', () => {
      expect(nativeDependency(spec(dep('afterok', [1])), deps(inSlurm(view(1, 'FAILED', 1), '501')), now, 'hpc')?.items[0].targets).toEqual([{ ref: '501', arrayIndex: null }]);
    });
  });
});
