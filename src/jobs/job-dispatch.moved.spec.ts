import { EngineUnavailableError } from '../engines/engine-errors';
import { JobDispatchService } from './job-dispatch.service';
import { JobLifecycle } from './job-lifecycle';

/**
 * Issue 17: a job that moved away from an engine an attempt may have reached. Once that engine answers, a copy
 * of the job there (found by its tag) is cancelled, so the job runs once; while it does not, the engine stays listed.
 */
async function reconcile(found: string | null | Error) {
  const job = { id: 9, userId: 1, engine: 'laptop', partition: 'localpart', state: 'RUNNING', submitNonce: 'n', leftEngines: ['hpc'], name: 'mover', submitTime: new Date(), tasks: [], user: { username: 'alice', uid: 1000, gid: 1000, groupIds: [], home: null } };
  const applied: Record<string, unknown>[] = [];
  const jobs = { findById: jest.fn(async () => job), apply: jest.fn(async (change: Record<string, unknown>) => (applied.push(change), true)) };
  const hpc = {
    name: 'hpc',
    findByTag: jest.fn(async () => {
      if (found instanceof Error) throw found;
      return found;
    }),
    cancel: jest.fn(async () => undefined),
  };
  const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const lifecycle = new JobLifecycle(jobs as never, {} as never, { publish: jest.fn(async () => undefined) } as never, log as never);
  const service = new JobDispatchService(
    {} as never,
    jobs as never,
    { all: () => [hpc, { name: 'laptop' }] } as never,
    lifecycle,
    { time: (_e: string, _op: string, fn: () => unknown) => fn() } as never,
    {} as never,
    {} as never,
    log as never,
  );
  await service.reconcileMoved(9);
  return { hpc, applied };
}

describe('a job that moved between engines', () => {
  it('a copy found on the engine it left is cancelled there, recorded, and the engine no longer listed', async () => {
    const { hpc, applied } = await reconcile('4711');
    expect(hpc.findByTag).toHaveBeenCalledWith(expect.objectContaining({ id: 9, nonce: 'n', owner: expect.objectContaining({ username: 'alice' }) }));
    expect(hpc.cancel).toHaveBeenCalledWith('4711', 9, null);
    expect(applied).toEqual([
      expect.objectContaining({ job: { leftEngines: [] }, events: [expect.objectContaining({ reason: 'a copy in engine hpc (4711) from before the move was cancelled', actor: 'system:router' })] }),
    ]);
  });

  it('no copy: nothing cancelled, the engine no longer listed', async () => {
    const { hpc, applied } = await reconcile(null);
    expect(hpc.cancel).not.toHaveBeenCalled();
    expect(applied).toEqual([expect.objectContaining({ job: { leftEngines: [] }, events: [] })]);
  });

  it('the engine still unreachable: nothing changes, asked again at the next sweep', async () => {
    const { hpc, applied } = await reconcile(new EngineUnavailableError('hpc', 'Unable to contact slurm controller'));
    expect(hpc.cancel).not.toHaveBeenCalled();
    expect(applied).toEqual([]);
  });
});
