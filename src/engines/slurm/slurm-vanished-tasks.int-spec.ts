import { eventually } from '../../../test/support/gateway-fixture';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { LocalRunner } from '../command-runner/local-runner';
import { SlurmEngine } from './slurm-engine';

/**
 * Jobs and array tasks the gateway still thinks open that the real squeue and sacct both no longer know
 * (lost by Slurm, or purged before the gateway looked) get a final state of their own, task by task,
 * with a reason naming the Slurm id; the tasks Slurm does know keep Slurm's word.
 */

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
function engine(accounting: boolean): SlurmEngine {
  return new SlurmEngine({
    name: 'hpc',
    runner: new LocalRunner({ env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' }, timeoutMs: 60_000 }),
    submitAs: 'service',
    slurmConf: cluster.slurmConf,
    binDir: '/usr/bin',
    accounting,
    site: 'vanished',
    clusterName: null,
    logger: silent,
  });
}

describe('Slurm engine: array tasks in neither squeue nor sacct', () => {
  jest.setTimeout(120_000);

  it('each such task gets NODE_FAIL with a reason naming <id>_<index>; tasks Slurm knows keep its state', async () => {
    const ref = (await cluster.command('sbatch', ['--parsable', '--array=0-1', '-o', '/dev/null', '--wrap', 'true'])).trim().split(';')[0];
    const slurm = engine(cluster.state.accounting);
    // Tasks 0 and 1 exist in Slurm; task 5 and every task of an id Slurm never had do not.
    const lost = String(Number(ref) + 100_000);
    const updates = await eventually(
      async () => {
        const u = await slurm.syncAll([
          { jobId: 1, ref, openTasks: [0, 1, 5] },
          { jobId: 2, ref: lost, openTasks: [2, 3] },
        ]);
        return u.filter((x) => x.jobId === 1 && x.arrayIndex !== 5).every((x) => x.state === 'COMPLETED') ? u : null;
      },
      60_000,
      'the real tasks to complete',
      500,
    );
    const byTask = (jobId: number, i: number) => updates.find((u) => u.jobId === jobId && u.arrayIndex === i);
    expect(byTask(1, 0)?.state).toBe('COMPLETED');
    expect(byTask(1, 1)?.state).toBe('COMPLETED');
    expect(byTask(1, 5)).toMatchObject({ state: 'NODE_FAIL', reason: `Slurm job ${ref}_5 is neither in squeue nor in sacct: its final state is unknown` });
    expect(byTask(2, 2)).toMatchObject({ state: 'NODE_FAIL', reason: `Slurm job ${lost}_2 is neither in squeue nor in sacct: its final state is unknown` });
    expect(byTask(2, 3)?.state).toBe('NODE_FAIL');
    // Nothing is reported for the whole array: the gateway derives its state from the tasks.
    expect(updates.filter((u) => u.arrayIndex === null)).toEqual([]);
  });

  it('without accounting the reason says so, and a plain job that vanished is reported as a whole', async () => {
    // Ids far beyond any this test cluster hands out.
    const lost = '60000001';
    const updates = await engine(false).syncAll([
      { jobId: 3, ref: lost, openTasks: [] },
      { jobId: 4, ref: '60000002', openTasks: [7] },
    ]);
    expect(updates).toEqual([
      expect.objectContaining({ jobId: 3, arrayIndex: null, state: 'NODE_FAIL', reason: `Slurm job ${lost} is no longer in squeue and the engine has no accounting (sacct): its final state is unknown` }),
      expect.objectContaining({ jobId: 4, arrayIndex: 7, state: 'NODE_FAIL' }),
    ]);
  });
});
