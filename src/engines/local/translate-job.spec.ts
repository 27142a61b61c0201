import { DomainError, ErrorCode } from '../../common/domain-error';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { TranslateContext, translateJob } from './translate-job';
import { DEFAULT_SECURITY } from '../../users/unix-identity';
import type { EngineJob } from '../engine';
import type { JobSpec } from '../../domain/job';

const rootWorker = { user: 'root', uid: 0, gid: 0, home: '/root' };
const ctx = (over: Partial<TranslateContext> = {}): TranslateContext => ({
  host: { engine: 'local', slots: 2, memoryMB: 4000 },
  hostname: 'node7',
  stateDir: '/var/lib/hpcg/local/local',
  srunDir: '/var/lib/hpcg/local/local/bin',
  killWaitSeconds: 30,
  clusterName: 'hpcg',
  worker: rootWorker,
  loginShell: '/bin/bash',
  security: DEFAULT_SECURITY,
  ...over,
});
const alice = { username: 'alice', uid: 1001, gid: 1100, groups: [1100, 2000], home: '/home/alice' };
const job = (spec: Partial<JobSpec> = {}, extra: Partial<EngineJob> = {}) => engineJob(77, '/home/alice/run', spec, { owner: alice, ...extra });

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('translateJob: the launch plan', () => {
  it('runs the stored script with its arguments in the working directory, output at the default path', () => {
    const plan = translateJob(job({ scriptArgs: ['a b', '--x'] }), ctx());
    expect(plan.argv).toEqual(['/var/lib/hpcg/local/local/77/script', 'a b', '--x']);
    expect(plan.cwd).toBe('/home/alice/run');
    expect(plan.tasks).toEqual([
      expect.objectContaining({ key: 'batch', arrayIndex: null, jobId: 77, stdout: '/home/alice/run/slurm-77.out', stderr: null, stdin: '/dev/null' }),
    ]);
    expect(plan).toMatchObject({ slots: 1, timeLimitSeconds: null, signal: null, openMode: 'truncate', arrayMaxConcurrent: null, uid: 1001, gid: 1100 });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('gives every array task its own output file and job id', () => {
    const plan = translateJob(job({ array: { indices: [0, 4], maxConcurrent: 1 } }, { tasks: [{ index: 0, rawId: 77 }, { index: 4, rawId: 78 }] }), ctx());
    expect(plan.tasks.map((t) => [t.key, t.jobId, t.stdout, t.env.SLURM_ARRAY_TASK_ID])).toEqual([
      ['0', 77, '/home/alice/run/slurm-77_0.out', '0'],
      ['4', 78, '/home/alice/run/slurm-77_4.out', '4'],
    ]);
    expect(plan.arrayMaxConcurrent).toBe(1);
  });

  it('an array whose tasks all ended before submission has nothing to run', () => {
    expect(translateJob(job({ array: { indices: [0, 1], maxConcurrent: null } }, { tasks: [] }), ctx()).tasks).toEqual([]);
  });

  it('expands -o/-e/-i patterns, and treats -e naming the -o file as no -e', () => {
    const plan = translateJob(job({ output: '/scratch/%u/%x-%j.out', error: 'err-%j.txt', input: 'in-%j', name: 'sim' }), ctx());
    expect(plan.tasks[0]).toMatchObject({ stdout: '/scratch/alice/sim-77.out', stderr: '/home/alice/run/err-77.txt', stdin: '/home/alice/run/in-77' });
    expect(translateJob(job({ output: 'x-%j.log', error: 'x-%j.log' }), ctx()).tasks[0].stderr).toBeNull();
  });

  it('turns --time, --signal and --open-mode into the launcher settings', () => {
    const plan = translateJob(job({ timeLimitMinutes: 90, signal: { signal: 'USR1', seconds: 120, batchOnly: true }, openMode: 'append' }), ctx());
    expect(plan).toMatchObject({ timeLimitSeconds: 5400, signal: { name: 'USR1', number: 10, secondsBeforeLimit: 120, batchOnly: true }, openMode: 'append', killWaitSeconds: 30 });
    expect(translateJob(job({ timeLimitMinutes: -1 }), ctx()).timeLimitSeconds).toBeNull();
  });

  it('takes tasks × CPUs per task slots, and the whole host with --exclusive', () => {
    expect(translateJob(job({ ntasks: 2 }), ctx()).slots).toBe(2);
    expect(translateJob(job({ exclusive: true }), ctx()).slots).toBe(2);
  });

  it('a root worker runs the job as its owner, with the owner groups and home', () => {
    const plan = translateJob(job(), ctx());
    expect(plan.runAs).toEqual({ user: 'alice', uid: 1001, gid: 1100, groups: [1100, 2000], home: '/home/alice' });
    expect(plan.env).toMatchObject({ HOME: '/home/alice', SLURM_JOB_USER: 'alice', SLURM_JOB_UID: '1001', SLURM_JOB_GID: '1100' });
  });

  it('a job of the worker own user runs without switching (the single-user, non-root installation)', () => {
    const worker = { user: 'svc', uid: 1900, gid: 1900, home: '/srv' };
    expect(translateJob(job({}, { owner: { ...alice, uid: 1900 } }), ctx({ worker }))).toMatchObject({ runAs: null, uid: 1900, gid: 1900 });
  });

  it('never runs a job as the worker own user because its owner has no uid/gid, whether the worker is root or not', () => {
    for (const worker of [rootWorker, { user: 'svc', uid: 1900, gid: 1900, home: '/srv' }]) {
      const e = refusal(() => translateJob(job({}, { owner: { ...alice, uid: null, gid: null } }), ctx({ worker })));
      expect(e.code).toBe(ErrorCode.FORBIDDEN);
      expect(e.message).toMatch(/^user alice has no Unix identity \(uid\/gid\); jobs run as their owner/);
    }
  });

  it('refuses an owner below security.minUid / minGid, root above all, and follows the site setting', () => {
    for (const [owner, message] of [
      [{ ...alice, uid: 0, gid: 0 }, 'user alice has uid 0, below security.minUid 1000'],
      [{ ...alice, uid: 999 }, 'user alice has uid 999, below security.minUid 1000'],
      [{ ...alice, gid: 0 }, 'user alice has gid 0, below security.minGid 1000'],
    ] as const) {
      const e = refusal(() => translateJob(job({}, { owner }), ctx()));
      expect(e.code).toBe(ErrorCode.FORBIDDEN);
      expect(e.message).toContain(message);
    }
    const site = { ...DEFAULT_SECURITY, minUid: 500, minGid: 500 };
    expect(translateJob(job({}, { owner: { ...alice, uid: 600, gid: 600 } }), ctx({ security: site })).runAs).toMatchObject({ uid: 600, gid: 600 });
    expect(refusal(() => translateJob(job({}, { owner: { ...alice, uid: 499, gid: 600 } }), ctx({ security: site }))).message).toContain('below security.minUid 500');
  });

  it.each([
    [{ ntasks: 4, cpusPerTask: 2 }, 'requests 8 CPUs (ntasks 4 × cpus-per-task 2); engine local has 2 slots', '--ntasks/--cpus-per-task'],
    [{ nodes: { min: 2, max: 2 } }, 'requests 2 nodes (--nodes); engine local is a single host', '--nodes'],
    [{ gpus: { count: 1, type: null, per: 'job' as const } }, 'requests GPUs (--gpus/--gres=gpu: 1); engine local has none', '--gpus'],
    [{ memPerNodeMB: 64000 }, 'requests 64000 MB of memory (--mem); engine local has 4000 MB', '--mem'],
    [{ memPerCpuMB: 3000, ntasks: 2 }, 'requests 6000 MB of memory (--mem-per-cpu 3000 MB × 2 CPUs); engine local has 4000 MB', '--mem-per-cpu'],
    [{ constraint: 'avx512' }, '--constraint=avx512 cannot be satisfied: engine local has no node features', '--constraint'],
    [{ signal: { signal: 'BOGUS', seconds: 60, batchOnly: false } }, '--signal=BOGUS: unknown signal', '--signal'],
  ])('%j is refused with BAD_USER_INPUT naming the option', (spec, message, option) => {
    const e = refusal(() => translateJob(job(spec as Partial<JobSpec>), ctx()));
    expect(e.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(e.message).toContain(message);
    expect(e.details.option).toBe(option);
  });

  it('a worker that is not root refuses jobs of other users with FORBIDDEN', () => {
    const worker = { user: 'svc', uid: 1900, gid: 1900, home: '/srv' };
    const e = refusal(() => translateJob(job(), ctx({ worker })));
    expect(e.code).toBe(ErrorCode.FORBIDDEN);
    expect(e.message).toBe('the local engine runs jobs as svc; job owner alice (uid 1001) cannot run here unless the worker runs as root');
  });

  it('a root worker refuses an owner without a primary group', () => {
    const e = refusal(() => translateJob(job({}, { owner: { ...alice, gid: null } }), ctx()));
    expect(e.code).toBe(ErrorCode.FORBIDDEN);
    expect(e.message).toContain('user alice has no gid; jobs run as their owner');
  });
});
