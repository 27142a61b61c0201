import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { slurmJobsTagged, startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * Exactly-once submission into a real Slurm (DESIGN.md §6.2-6.3): a worker killed between sbatch and the
 * database update, and slurmctld stopped for 20 s while submissions keep coming.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state reason engineJobId } }`;

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

describe('Slurm engine crash safety', () => {
  jest.setTimeout(240_000);

  it('a worker killed between sbatch and the database update leaves exactly one Slurm job', async () => {
    const { gw, token, site } = await startSlurmGateway(cluster, { kind: 'local' }, { worker: false });
    try {
      const worker = await gw.startWorker({ HPCG_FAULT: 'crash-after-engine-submit' });
      const runs = join(gw.dir, 'runs.log');
      const { submitBatchScript } = await gql(gw.url, token, SUBMIT, { s: `#!/bin/sh\necho run >> ${runs}\n`, a: ['-J', 'once'], cwd: gw.dir });
      const id = submitBatchScript.jobId as number;
      expect(await worker.waitExit()).not.toBe(0);
      // Slurm has the job; the gateway never recorded it.
      expect((await gw.admin(STATE, { id })).job).toMatchObject({ state: 'PENDING', engineJobId: null });
      expect(await slurmJobsTagged(cluster, site, id)).toHaveLength(1);

      await gw.startWorker();
      await eventually(async () => (await gw.admin(STATE, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);
      const tagged = await slurmJobsTagged(cluster, site, id);
      expect(tagged).toEqual([(await gw.admin(STATE, { id })).job.engineJobId]);
      expect(readFileSync(runs, 'utf8')).toBe('run\n');
    } finally {
      await gw.stop();
    }
  });

  it('slurmctld stopped for 20 s under a stream of submissions: every job submitted exactly once when it returns, none FAILED', async () => {
    const { gw, token, site } = await startSlurmGateway(cluster, { kind: 'local' });
    const ids: number[] = [];
    const submitOne = async (i: number) => {
      const r = await gql(gw.url, token, SUBMIT, { s: `#!/bin/sh\necho ${i}\n`, a: ['-J', `stream-${i}`, '-o', `stream-${i}.out`], cwd: gw.dir });
      ids.push(r.submitBatchScript.jobId);
    };
    let i = 0;
    try {
      for (; i < 5; i++) await submitOne(i);
      await cluster.stopController();
      const downUntil = Date.now() + 20_000;
      let sawUnavailable = false;
      while (Date.now() < downUntil) {
        await submitOne(i++);
        const { jobs } = await gw.admin(`query($ids: [Int!]) { jobs(filter: { ids: $ids }, page: { limit: 1000 }) { items { reason } } }`, { ids });
        sawUnavailable ||= jobs.items.some((j: { reason: string | null }) => j.reason === 'EngineUnavailable');
        await new Promise((r) => setTimeout(r, 400));
      }
      await cluster.startController();
      for (let k = 0; k < 5; k++) await submitOne(i++);
      expect(sawUnavailable).toBe(true);

      const final = await eventually(
        async () => {
          const jobs = await Promise.all(ids.map(async (id) => ({ id, ...(await gw.admin(STATE, { id })).job })));
          return jobs.every((j) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL'].includes(j.state)) ? jobs : null;
        },
        180_000,
        'every job to finish',
        1000,
      );
      expect(final.filter((j) => j.state !== 'COMPLETED')).toEqual([]);
      for (const j of final) expect(await slurmJobsTagged(cluster, site, j.id)).toEqual([j.engineJobId]);
      for (let k = 0; k < i; k++) expect(readFileSync(join(gw.dir, `stream-${k}.out`), 'utf8')).toBe(`${k}\n`);
    } finally {
      await cluster.startController().catch(() => undefined);
      await gw.stop();
    }
  });
});
