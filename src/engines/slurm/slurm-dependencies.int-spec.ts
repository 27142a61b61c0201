import { eventually } from '../../../test/support/gateway-fixture';
import type { GatewayFixture } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * Dependencies between jobs of one Slurm engine go to Slurm as --dependency (see dependency-gate.ts):
 * the dependent is in Slurm at once, waiting there with reason Dependency, and Slurm's own record of it
 * names the parent's Slurm id.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state reason engineJobId } }`;
type Seen = { state: string; reason: string | null; engineJobId: string | null };

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

/** Slurm's own view of one job: squeue's state and reason, scontrol's Dependency field. */
async function inSlurm(slurmId: string): Promise<{ state: string; reason: string; dependency: string }> {
  const [state, reason] = (await cluster.command('squeue', ['-h', '-j', slurmId, '-o', '%T|%r'])).trim().split('|');
  const dependency = /\bDependency=(\S+)/.exec(await cluster.command('scontrol', ['show', 'job', slurmId]))?.[1] ?? '';
  return { state, reason, dependency };
}

describe('Slurm engine: native dependencies', () => {
  jest.setTimeout(180_000);
  let gw: GatewayFixture;
  let token: string;
  const submit = async (script: string, args: string[]) => (await gql(gw.url, token, SUBMIT, { s: script, a: args, cwd: gw.dir })).submitBatchScript.jobId as number;
  const seen = async (id: number): Promise<Seen> => (await gw.admin(STATE, { id })).job;

  beforeAll(async () => ({ gw, token } = await startSlurmGateway(cluster, { kind: 'local' })), 120_000);
  afterAll(() => gw?.stop());

  it('an afterok dependent waits in Slurm (reason Dependency, --dependency naming the parent\'s Slurm id); a failed parent leaves it PENDING with DependencyNeverSatisfied', async () => {
    const parent = await submit('#!/bin/sh\nsleep 20\nexit 3\n', ['-J', 'parent', '-o', '/dev/null']);
    const parentRef = await eventually(async () => (await seen(parent)).engineJobId, 60_000, 'the parent to reach Slurm');
    const child = await submit('#!/bin/sh\necho child\n', ['-J', 'child', '-o', '/dev/null', `--dependency=afterok:${parent}`]);

    // Handed to Slurm while the parent still runs: not held in the gateway until it ends.
    const childRef = await eventually(async () => (await seen(child)).engineJobId, 30_000, 'the dependent to reach Slurm');
    expect(['PENDING', 'RUNNING']).toContain((await seen(parent)).state);
    await eventually(async () => (await seen(parent)).state === 'RUNNING', 60_000, 'the parent to run');
    const slurm = await inSlurm(childRef);
    expect(slurm).toMatchObject({ state: 'PENDING', reason: 'Dependency' });
    expect(slurm.dependency).toMatch(new RegExp(`^afterok:${parentRef}\\(`));
    await eventually(async () => (await seen(child)).reason === 'Dependency', 30_000, 'the gateway to report reason Dependency');

    // The parent fails: Slurm keeps the dependent pending (no kill_invalid_depend), as the gateway does on other engines.
    await eventually(async () => (await seen(parent)).state === 'FAILED', 60_000, 'the parent to fail');
    const never = await eventually(async () => ((await seen(child)).reason === 'DependencyNeverSatisfied' ? seen(child) : null), 60_000, 'DependencyNeverSatisfied');
    expect(never).toMatchObject({ state: 'PENDING', engineJobId: childRef });
    expect((await inSlurm(childRef)).reason).toBe('DependencyNeverSatisfied');

    await gw.admin(`mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id: child });
    await eventually(async () => (await seen(child)).state === 'CANCELLED', 60_000, 'the dependent to be cancelled');
  });

  it('a dependency on a job still waiting in the gateway goes to Slurm once that job has its Slurm id; array tasks are named <id>_<index>', async () => {
    const array = await submit('#!/bin/sh\nsleep 12\n', ['-J', 'held-array', '-o', '/dev/null', '--array=0-2', '--hold']);
    const child = await submit('#!/bin/sh\necho child\n', ['-J', 'task-child', '-o', '/dev/null', `--dependency=afterok:${array}_1`]);
    // The array is held in the gateway: it has no Slurm id, so neither can its dependent go to Slurm.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await seen(child)).toMatchObject({ state: 'PENDING', reason: 'Dependency', engineJobId: null });

    await gw.admin(`mutation($id: Int!) { releaseJob(id: $id) { state } }`, { id: array });
    const arrayRef = await eventually(async () => (await seen(array)).engineJobId, 60_000, 'the array to reach Slurm');
    const childRef = await eventually(async () => (await seen(child)).engineJobId, 60_000, 'the dependent to reach Slurm');
    const live = await inSlurm(childRef);
    // Slurm may already have seen task 1 end; until then the dependent waits there.
    expect(live.dependency).toMatch(new RegExp(`^afterok:${arrayRef}_1\\(`));
    await eventually(async () => (await seen(child)).state === 'COMPLETED', 90_000, 'the dependent to complete after task 1');
    expect((await seen(array)).state).toBe('COMPLETED');
  });
});
