import { jobSpecDefaults, Reason, type JobSpec } from '../domain/job';
import { JobLifecycle, type Accepted } from './job-lifecycle';
import type { JobChange, JobRow } from './jobs.repository';

/** The lifecycle over a recording repository, batcher and pub/sub: what each transition writes and tells. */
function setup(applyResult = true) {
  const applied: JobChange[] = [];
  const appliedAll: JobChange[][] = [];
  const stored: unknown[] = [];
  const published: unknown[][] = [];
  const repo = {
    apply: jest.fn(async (c: JobChange) => (applied.push(c), applyResult)),
    applyAll: jest.fn(async (cs: JobChange[]) => void appliedAll.push(cs)),
  };
  const batcher = { store: jest.fn(async (job: unknown) => (stored.push(job), 41)) };
  const updates = { publish: jest.fn(async (m: unknown[]) => void published.push(m)) };
  const log = { info: jest.fn(), warn: jest.fn() };
  const lifecycle = new JobLifecycle(repo as never, batcher as never, updates as never, log as never);
  return { lifecycle, applied, appliedAll, stored, published };
}

const spec = (over: Partial<JobSpec> = {}): JobSpec => ({ ...jobSpecDefaults(), script: '#!/bin/sh\n', ...over });
const accepted = (over: Partial<JobSpec> = {}): Accepted => ({
  userId: 3, name: 'j', partition: 'debug', engine: 'local', spec: spec(over), workdir: '/w', submitDir: '/w', submitHost: 'h',
  account: null, timeLimitMinutes: 10, nodes: 1, cpus: 1, gpus: 0, arrayIndices: null, actor: 'user:ann', route: null,
});
const row = (over: Partial<JobRow> = {}): JobRow =>
  ({ id: 7, userId: 3, state: 'PENDING', reason: Reason.QueuedInGateway, submitStatus: 'READY', tasks: [], ...over }) as JobRow;

describe('JobLifecycle', () => {
  it.each([
    ['a plain job is READY for its engine', {}, { state: 'PENDING', reason: 'QueuedInGateway', submitStatus: 'READY' }],
    ['--hold is HELD in the gateway', { hold: true }, { state: 'HELD', reason: 'JobHeldUser', submitStatus: 'WAITING' }],
    ['--begin waits in the gateway', { begin: '2030-01-01T00:00:00.000Z' }, { state: 'PENDING', reason: 'BeginTime', submitStatus: 'WAITING' }],
    ['--dependency waits in the gateway', { dependency: { mode: 'all' as const, items: [{ type: 'afterok' as const, jobIds: [5], delayMinutes: null }] } }, { state: 'PENDING', reason: 'Dependency', submitStatus: 'WAITING' }],
  ])('accept: %s', async (_what, over, expected) => {
    const { lifecycle, stored } = setup();
    expect(await lifecycle.accept(accepted(over), null)).toBe(41);
    expect(stored[0]).toMatchObject(expected);
    expect((stored[0] as { eligibleTime: Date | null }).eligibleTime === null).toBe(expected.submitStatus === 'WAITING');
  });

  it('engineAccepted: a reason from the wait in the gateway gives way to Priority; the change is guarded on READY and told once', async () => {
    const { lifecycle, applied, published } = setup();
    expect(await lifecycle.engineAccepted(row({ reason: Reason.EngineUnavailable }), 'ref-1')).toBe(true);
    expect(applied).toEqual([{ jobId: 7, expectSubmitStatus: ['READY'], job: { submitStatus: 'SUBMITTED', engineRef: 'ref-1', reason: Reason.Priority, unavailableSince: null } }]);
    expect(published).toEqual([[{ jobId: 7, userId: 3 }]]);
  });

  it('engineAccepted of a job cancelled meanwhile: false, nobody told', async () => {
    const { lifecycle, published } = setup(false);
    expect(await lifecycle.engineAccepted(row(), 'ref-1')).toBe(false);
    expect(published).toEqual([]);
  });

  it('engineRefused: FAILED with the reason, an event, and every open task failed', async () => {
    const { lifecycle, applied } = setup();
    const tasks = [{ index: 0, state: 'PENDING' }, { index: 1, state: 'CANCELLED' }] as JobRow['tasks'];
    await lifecycle.engineRefused(row({ tasks }), 'sbatch: error: Invalid partition name specified');
    expect(applied[0]).toMatchObject({
      expectSubmitStatus: ['READY'],
      job: { state: 'FAILED', submitStatus: 'NONE', reason: 'sbatch: error: Invalid partition name specified' },
      tasks: [{ index: 0, data: { state: 'FAILED' } }],
      events: [{ fromState: 'PENDING', toState: 'FAILED', actor: 'system:dispatch' }],
    });
  });

  it('observe: one pass is written in ONE call (one transaction) and told once; unchanged jobs are left out', async () => {
    const { lifecycle, appliedAll, published } = setup();
    const live = [row({ id: 1, submitStatus: 'SUBMITTED' }), row({ id: 2, submitStatus: 'SUBMITTED' }), row({ id: 3, submitStatus: 'SUBMITTED', state: 'RUNNING', reason: null, startTime: new Date(0) } as Partial<JobRow>)];
    const seen = (jobId: number, state: 'RUNNING' | 'COMPLETED') => ({ jobId, arrayIndex: null, state, reason: null, exitCode: state === 'COMPLETED' ? 0 : null, startTime: new Date(0), endTime: state === 'COMPLETED' ? new Date(1000) : null });
    const changes = await lifecycle.observe('local', live, [seen(1, 'RUNNING'), seen(2, 'COMPLETED'), seen(3, 'RUNNING')] as never);
    expect(changes.map((c) => c.jobId)).toEqual([1, 2]);
    expect(appliedAll).toHaveLength(1);
    expect(appliedAll[0].map((c) => c.events?.map((e) => e.toState))).toEqual([['RUNNING'], ['COMPLETED']]);
    expect(published).toEqual([[{ jobId: 1, userId: 3 }, { jobId: 2, userId: 3 }]]);
  });

  it('cancel: a job still in the gateway is CANCELLED at once; one its engine holds is marked for the worker', async () => {
    const inGateway = setup();
    expect(await inGateway.lifecycle.cancel(row(), null, 'user:ann')).toBe('cancelled');
    expect(inGateway.applied[0]).toMatchObject({ expectSubmitStatus: ['WAITING', 'READY'], job: { state: 'CANCELLED', submitStatus: 'NONE', cancelledBy: 'user:ann' } });

    const inEngine = setup();
    expect(await inEngine.lifecycle.cancel(row({ submitStatus: 'SUBMITTED' }), null, 'user:ann')).toBe('requested');
    expect(inEngine.applied).toEqual([{ jobId: 7, job: { cancelRequestedAt: expect.any(Date), cancelledBy: 'user:ann' } }]);
    expect(inEngine.published).toHaveLength(1);
  });
});
