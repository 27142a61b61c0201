import { DomainError, ErrorCode } from '../common/domain-error';
import { EngineRefusedError, EngineUnavailableError } from '../engines/engine-errors';
import { JobDispatchService } from './job-dispatch.service';
import { JobLifecycle } from './job-lifecycle';
import { Reason } from '../domain/job';

/** One READY job on engine "hpc" whose submit() throws `error`; what dispatch does with the job. */
async function dispatchFailingWith(error: unknown) {
  const job = { id: 7, userId: 1, engine: 'hpc', partition: 'batch', state: 'PENDING', reason: Reason.Priority, submitStatus: 'READY', submitAttempts: 1, submitNonce: 'n', unavailableSince: null, leftEngines: [], tasks: [], spec: {}, user: { groups: [] } };
  const applied: Record<string, unknown>[] = [];
  const jobs = {
    findById: jest.fn(async () => job),
    beginSubmitAttempt: jest.fn(async () => ({ attempt: 1 })),
    apply: jest.fn(async (change: Record<string, unknown>) => (applied.push(change), true)),
  };
  const engine = { name: 'hpc', submit: jest.fn(async () => { throw error; }), findByTag: jest.fn() };
  const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), fatal: jest.fn() };
  // The real lifecycle over a recording repository: what it writes is what this test checks.
  const lifecycle = new JobLifecycle(jobs as never, {} as never, { publish: jest.fn(async () => undefined) } as never, log as never);
  const service = new JobDispatchService(
    { partitions: [{ name: 'batch', engine: 'hpc' }], fault: null, routing: { moveAfterMs: 300_000 } } as never,
    jobs as never,
    { get: () => engine } as never,
    lifecycle,
    { time: (_e: string, _op: string, fn: () => unknown) => fn() } as never,
    { admission: () => null } as never,
    { needsPlacing: () => false, moveOn: async () => false } as never,
    log as never,
  );
  jest.spyOn(require('./engine-job'), 'storedToEngineJob').mockReturnValue({ id: 7 });
  const thrown = await service.dispatch(7).then(() => null, (e: unknown) => e);
  return { thrown, applied, log };
}

describe('JobDispatchService: the outcome of a failed submission is decided by the error class', () => {
  afterEach(() => jest.restoreAllMocks());

  it('an engine refusal fails the job with the engine message, and is not retried', async () => {
    const { thrown, applied } = await dispatchFailingWith(new EngineRefusedError('hpc', 'Slurm refused job 7 on engine hpc: sbatch: error: Invalid partition name specified', { jobId: 7 }));
    expect(thrown).toBeNull();
    expect(applied).toEqual([expect.objectContaining({ job: expect.objectContaining({ state: 'FAILED', reason: 'Slurm refused job 7 on engine hpc: sbatch: error: Invalid partition name specified' }) })]);
  });

  it('an unavailable engine leaves the job PENDING with EngineUnavailable and rethrows for the queue to retry', async () => {
    const error = new EngineUnavailableError('hpc', 'Unable to contact slurm controller', { jobId: 7 });
    const { thrown, applied } = await dispatchFailingWith(error);
    expect(thrown).toBe(error);
    expect(applied).toEqual([{ jobId: 7, expectSubmitStatus: ['READY'], job: { reason: Reason.EngineUnavailable, unavailableSince: expect.any(Date) } }]);
  });

  it('an unavailable engine with its own reason (a quota) waits with that reason', async () => {
    const { applied } = await dispatchFailingWith(new EngineUnavailableError('kube', 'exceeded quota', { reason: Reason.QuotaExceeded }));
    expect(applied).toEqual([expect.objectContaining({ job: { reason: Reason.QuotaExceeded, unavailableSince: expect.any(Date) } })]);
  });

  it.each([
    ['a DomainError with a user-error code', new DomainError(ErrorCode.BAD_USER_INPUT, 'looks like input, is not an engine refusal')],
    ['an error merely carrying code BAD_USER_INPUT', Object.assign(new Error('duck-typed'), { code: 'BAD_USER_INPUT' })],
    ['a plain error', new TypeError('undefined is not a function')],
  ])('%s is unknown: logged with context, job unchanged, rethrown for a retry', async (_what, error) => {
    const { thrown, applied, log } = await dispatchFailingWith(error);
    expect(thrown).toBe(error);
    expect(applied).toEqual([]);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ jobId: 7, engine: 'hpc', err: error }), expect.stringMatching(/will retry/));
  });
});
