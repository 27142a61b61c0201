import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { SlurmCluster } from '../../../test/support/slurm-cluster';
import { startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * Issue 15 item 1, on the real Slurm 22.05: a cluster without accounting (`accounting_storage/none`, the
 * engine not told), and one whose slurmdbd stops while the jobs run. Every job still reaches the state Slurm
 * gave it, exactly once, with Slurm's reason: final states come from slurmctld when sacct cannot answer.
 * Each cluster is this file's own (the shared one must keep its slurmdbd).
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const JOB = `query($id: Int!) { job(id: $id) { state reason exitCode signal events { fromState toState reason actor } } }`;
const CANCEL = `mutation($id: Int!) { cancelJob(id: $id) { state } }`;
const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'];

interface SeenJob {
  state: string;
  reason: string | null;
  exitCode: number | null;
  signal: number | null;
  events: { fromState: string | null; toState: string; reason: string | null; actor: string }[];
}

describe('Slurm engine without sacct', () => {
  jest.setTimeout(300_000);

  /** A failing, a cancelled and a completing job; `whileRunning` happens once all three run. Returns them and how long they took to settle after it. */
  async function threeJobs(cluster: SlurmCluster, whileRunning: () => Promise<void>): Promise<{ failed: SeenJob; cancelled: SeenJob; completed: SeenJob; settleMs: number }> {
    const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' });
    try {
      const submit = async (script: string, name: string) => (await gql(gw.url, token, SUBMIT, { s: script, a: ['-J', name, '-o', '/dev/null'], cwd: gw.dir })).submitBatchScript.jobId as number;
      const ids = {
        failed: await submit('#!/bin/sh\nsleep 5\nexit 3\n', 'fails'),
        cancelled: await submit('#!/bin/sh\nsleep 300\n', 'cancelled'),
        completed: await submit('#!/bin/sh\nsleep 5\n', 'completes'),
      };
      const seen = async (id: number) => (await gw.admin(JOB, { id })).job as SeenJob;
      await eventually(async () => (await Promise.all(Object.values(ids).map(seen))).every((j) => j.state === 'RUNNING'), 60_000, 'the three jobs to run');
      await whileRunning();
      const from = Date.now();
      await gql(gw.url, token, CANCEL, { id: ids.cancelled });
      await eventually(async () => (await Promise.all(Object.values(ids).map(seen))).every((j) => FINAL.includes(j.state)), 60_000, 'the three jobs to end in the gateway', 250);
      const settleMs = Date.now() - from;
      // A few more passes: nothing changes once a job has ended.
      await new Promise((r) => setTimeout(r, 3000));
      return { failed: await seen(ids.failed), cancelled: await seen(ids.cancelled), completed: await seen(ids.completed), settleMs };
    } finally {
      await gw.stop();
    }
  }

  function expectSlurmsWord(jobs: { failed: SeenJob; cancelled: SeenJob; completed: SeenJob }): void {
    expect(jobs.failed).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: null });
    expect(jobs.cancelled).toMatchObject({ state: 'CANCELLED', signal: 15 });
    expect(jobs.completed).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    for (const job of [jobs.failed, jobs.cancelled, jobs.completed]) {
      // Exactly once: one event into a final state, and none out of one.
      expect(job.events.filter((e) => FINAL.includes(e.toState))).toHaveLength(1);
      expect(job.events.filter((e) => e.fromState && FINAL.includes(e.fromState))).toEqual([]);
    }
  }

  it('AccountingStorageType=accounting_storage/none, engine configured with accounting: FAILED 3, CANCELLED, COMPLETED', async () => {
    const cluster = await SlurmCluster.start({ accounting: false });
    try {
      const jobs = await threeJobs(cluster, async () => undefined);
      expectSlurmsWord(jobs);
      console.log(`accounting off: the three jobs ended in the gateway ${jobs.settleMs} ms after the cancel`);
    } finally {
      await cluster.stop();
    }
  });

  it('slurmdbd stopped while the jobs run: FAILED 3, CANCELLED, COMPLETED from slurmctld', async () => {
    const cluster = await SlurmCluster.start({ accounting: true });
    try {
      const jobs = await threeJobs(cluster, async () => {
        await cluster.stopSlurmdbd();
        await expect(cluster.command('sacct', ['-n', '-X'])).rejects.toThrow(/Problem talking to the database|Connection refused/);
      });
      expectSlurmsWord(jobs);
      console.log(`slurmdbd stopped: the three jobs ended in the gateway ${jobs.settleMs} ms after the cancel`);
    } finally {
      await cluster.stop();
    }
  });
});
