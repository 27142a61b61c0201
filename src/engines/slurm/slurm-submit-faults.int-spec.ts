import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * Issue 15 item 2, on the real Slurm 22.05: a submitter's environment with a name that is not an identifier
 * (Lmod's `BASH_FUNC_module%%`, exported by most HPC login shells) and a request sbatch refuses for good.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String, $env: JSON) { submitBatchScript(script: $s, args: $a, cwd: $cwd, env: $env) { jobId } }`;
const JOB = `query($id: Int!) { job(id: $id) { state reason exitCode engineJobId events { fromState toState reason actor } } }`;

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

describe('Slurm engine submission faults', () => {
  jest.setTimeout(180_000);

  it('BASH_FUNC_module%% under --export=ALL is dropped with a note in the job\'s events; the job runs with the other variables', async () => {
    const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' });
    try {
      const env = { 'BASH_FUNC_module%%': '() {  eval $(/usr/share/lmod/lmod/libexec/lmod bash "$@")\n}', PROJECT_VAR: 'reached the job', PATH: '/usr/bin:/bin' };
      const script = '#!/bin/sh\necho "PROJECT_VAR=$PROJECT_VAR"\nenv | grep -c "^BASH_FUNC" || true\n';
      const id = (await gql(gw.url, token, SUBMIT, { s: script, a: ['-J', 'lmod', '-o', 'lmod.out', '--export=ALL'], cwd: gw.dir, env })).submitBatchScript.jobId as number;
      const job = await eventually(async () => {
        const j = (await gw.admin(JOB, { id })).job;
        return ['COMPLETED', 'FAILED'].includes(j.state) ? j : null;
      }, 60_000, `job ${id} to end`);
      expect(job).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
      expect(readFileSync(join(gw.dir, 'lmod.out'), 'utf8')).toBe('PROJECT_VAR=reached the job\n0\n');
      expect(job.events).toContainEqual({
        fromState: 'PENDING',
        toState: 'PENDING',
        reason: 'environment variable "BASH_FUNC_module%%" not passed to the job: a name must be letters, digits and "_", not starting with a digit',
        actor: 'engine:hpc',
      });
    } finally {
      await gw.stop();
    }
  });

  it('a request sbatch refuses for good FAILS the job at once with Slurm\'s message as reason', async () => {
    const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' });
    try {
      const id = (await gql(gw.url, token, SUBMIT, { s: '#!/bin/sh\ntrue\n', a: ['-J', 'nofeature', '--constraint=nosuchfeature'], cwd: gw.dir })).submitBatchScript.jobId as number;
      const job = await eventually(async () => {
        const j = (await gw.admin(JOB, { id })).job;
        return j.state === 'PENDING' ? null : j;
      }, 60_000, `job ${id} to leave PENDING`);
      expect(job).toMatchObject({ state: 'FAILED', engineJobId: null });
      expect(job.reason).toMatch(/^Slurm refused job \d+ on engine hpc: sbatch: error: Batch job submission failed: Invalid feature specification/);
      expect(job.events.filter((e: { toState: string }) => e.toState === 'FAILED')).toEqual([expect.objectContaining({ fromState: 'PENDING', actor: 'system:dispatch' })]);
    } finally {
      await gw.stop();
    }
  });
});
