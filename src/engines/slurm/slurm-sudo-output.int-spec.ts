import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import type { GatewayFixture } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { LoginNode } from '../../../test/support/login-node';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { SLURM_SUDO_ACCOUNT, startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * `submitAs: sudo` as a site deploys it: the gateway logs in to the login node as a service account that
 * may only `sudo -u` to users (scripts/test-deps/slurm.sh), submits and reads output as the job's owner;
 * jobOutput through the gateway returns the real file's tail and byte ranges.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state reason engineJobId } }`;
const OUTPUT = `query($id: Int!, $i: Int, $tail: Int, $offset: Int, $limit: Int) { jobOutput(id: $id, arrayIndex: $i, tail: $tail, offset: $offset, limit: $limit) { path data nextOffset size } }`;

let cluster: SlurmCluster;
let release: () => Promise<void>;
let login: LoginNode;
let gw: GatewayFixture;
let token: string;
let uid: number;
beforeAll(async () => {
  ({ cluster, release } = await sharedSlurmCluster());
  login = await LoginNode.start([SLURM_SUDO_ACCOUNT]);
  ({ gw, token, uid } = await startSlurmGateway(cluster, { kind: 'ssh', node: login, sudoFrom: SLURM_SUDO_ACCOUNT }));
}, 120_000);
afterAll(async () => {
  await gw?.stop();
  await login?.stop();
  await release?.();
});

const submit = async (script: string, args: string[]) => (await gql(gw.url, token, SUBMIT, { s: script, a: args, cwd: gw.dir })).submitBatchScript.jobId as number;
const completed = (id: number) => eventually(async () => ((await gw.admin(STATE, { id })).job.state === 'COMPLETED' ? (await gw.admin(STATE, { id })).job : null), 90_000, `job ${id} to complete`);
const output = async (vars: Record<string, unknown>) => (await gql(gw.url, token, OUTPUT, vars)).jobOutput as { path: string; data: string; nextOffset: number; size: number };

describe('Slurm engine, submitAs: sudo from a service account, and jobOutput', () => {
  jest.setTimeout(180_000);

  it("runs the job as its owner (id -u in the output is the owner's uid, not the service account's)", async () => {
    const id = await submit('#!/bin/sh\nid -u\nid -un\n', ['-J', 'who', '-o', 'who-%j.out']);
    const { engineJobId } = await completed(id);
    const out = await output({ id });
    expect(out.path).toBe(join(gw.dir, `who-${engineJobId}.out`));
    expect(out.data).toBe(`${uid}\nhpcg-slurm-a\n`);
  });

  it('returns the last lines (tail) and byte ranges of a Slurm job, and of one array task', async () => {
    const id = await submit('#!/bin/sh\nfor i in $(seq 1 100); do echo "line$i"; done\n', ['-J', 'lines', '-o', 'lines-%j.out']);
    await completed(id);
    const whole = Array.from({ length: 100 }, (_, i) => `line${i + 1}\n`).join('');
    const size = Buffer.byteLength(whole);

    expect(await output({ id, tail: 3 })).toMatchObject({ data: 'line98\nline99\nline100\n', nextOffset: size, size });
    expect(await output({ id, offset: 6, limit: 12 })).toMatchObject({ data: 'line2\nline3\n', nextOffset: 18, size });
    // Reading on from nextOffset past the end gives what is left, then nothing.
    expect(await output({ id, offset: size - 8, limit: 100 })).toMatchObject({ data: 'line100\n', nextOffset: size });
    expect(await output({ id, offset: size, limit: 100 })).toMatchObject({ data: '', nextOffset: size, size });

    const array = await submit('#!/bin/sh\necho "task $SLURM_ARRAY_TASK_ID"\n', ['-J', 'arr', '-o', 'arr-%A_%a.out', '--array=0-1']);
    const { engineJobId } = await completed(array);
    const task = await output({ id: array, i: 1, tail: 5 });
    expect(task).toMatchObject({ path: join(gw.dir, `arr-${engineJobId}_1.out`), data: 'task 1\n' });
  });
});
