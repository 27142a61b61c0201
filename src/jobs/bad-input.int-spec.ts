import { GatewayFixture } from '../../test/support/gateway-fixture';
import { GraphqlError, gql, refusal } from '../../test/support/graphql-client';

/** Bad input everywhere gets a clear error and leaves no row behind (issue 2, "Done means"). */

const SUBMIT = `mutation($s: String, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const OK = '#!/bin/sh\necho ok\n';

describe('bad input', () => {
  jest.setTimeout(60_000);
  let gw: GatewayFixture;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    gw = await GatewayFixture.start({ env: { HPCG_MAX_SCRIPT_BYTES: '65536' } });
    alice = await gw.user('alice');
    bob = await gw.user('bob');
  });
  afterAll(() => gw.stop());

  async function rejected(token: string, vars: Record<string, unknown>): Promise<GraphqlError> {
    try {
      await gql(gw.url, token, SUBMIT, { cwd: gw.dir, ...vars });
    } catch (e) {
      if (e instanceof GraphqlError) return e;
      throw e;
    }
    throw new Error(`accepted: ${JSON.stringify(vars).slice(0, 200)}`);
  }

  it.each([
    ['an oversized script', { s: '#!/bin/sh\n' + 'x'.repeat(70_000) }, /65536|too large|bytes/i],
    ['a NUL byte', { s: '#!/bin/sh\necho a\0b\n' }, /NUL/i],
    ['a script without #!', { s: 'echo hi\n' }, /#!/],
    ['DOS line breaks', { s: '#!/bin/sh\r\necho hi\r\n' }, /DOS line breaks/],
    ['a negative CPU count', { s: OK, a: ['-c', '-1'] }, /cpus-per-task/],
    ['an absurd task count', { s: OK, a: ['--ntasks=99999999999'] }, /ntasks/],
    ['an absurd memory size', { s: OK, a: ['--mem=99999999999T'] }, /mem/],
    ['an unknown partition', { s: OK, a: ['-p', 'nosuch'] }, /invalid partition specified: nosuch/],
    ['a time limit over the partition maximum', { s: OK, a: ['-p', 'short', '-t', '10'] }, /time limit/i],
    ['more CPUs than the local engine has', { s: OK, a: ['-c', '64'] }, /slots|CPUs/],
    ['an unknown option', { s: OK, a: ['--frobnicate'] }, /frobnicate/],
    ['a malformed directive', { s: '#!/bin/sh\n#SBATCH --time=1:2:3:4\necho\n' }, /--time.*line 2|line 2.*--time/],
    ['a dependency on a job that does not exist', { s: OK, a: ['-d', 'afterok:999999'] }, /dependency/i],
    ['an array larger than the maximum', { s: OK, a: ['--array=0-5000'] }, /array/i],
    ['a dependency type the gateway cannot decide', { s: OK, a: ['-d', 'aftercorr:1'] }, /aftercorr is not supported/],
  ])('refuses %s with a clear error', async (_what, vars, message) => {
    const e = await rejected(alice, vars);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(message);
  });

  it('refuses a structured JobSpec by field: GraphQL its shape, the JobSpec schema its values', async () => {
    const submitJob = (input: Record<string, unknown>) => gql(gw.url, alice, `mutation($input: JobSpecInput!, $cwd: String) { submitJob(input: $input, cwd: $cwd) { jobId } }`, { input, cwd: gw.dir });
    expect(await refusal(submitJob({ script: OK, array: { indices: [3, 1], maxConcurrent: null } }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'invalid JobSpec field array.indices[1] = 1: expected ascending indices without duplicates',
      details: { field: 'array.indices[1]', value: '1', allowed: 'ascending indices without duplicates' },
    });
    expect(await refusal(submitJob({ script: OK, name: null }))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'name' } });
    expect(await refusal(submitJob({ script: OK, environment: { A: 1 } }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^invalid JobSpec field environment\.A = 1: expected a string without NUL$/) });
    expect(await refusal(submitJob({ script: OK, colour: 'blue' }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/"colour" is not defined by type "JobSpecInput"/) });
    expect(await refusal(submitJob({ ntasks: 1 }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/"script" of required type "String!" was not provided/) });
    expect(await refusal(submitJob({ script: OK, gpus: { count: 1, type: null, per: 'socket' } }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/"socket" does not exist in "GpuPer" enum/) });
  });

  it('refuses a body that is not valid UTF-8', async () => {
    const body = Buffer.concat([
      Buffer.from(JSON.stringify({ query: SUBMIT, variables: { s: '#!/bin/sh\necho ' } }).slice(0, -3)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` }, body });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/UTF-8/);
  });

  it("refuses to show or cancel someone else's job with the answer a missing job gets", async () => {
    const { submitBatchScript } = await gql(gw.url, alice, SUBMIT, { s: '#!/bin/sh\nsleep 30\n', a: ['--hold'], cwd: gw.dir });
    const id = submitBatchScript.jobId;
    const missing = id + 1000;
    const cancel = (jobId: number) => gql(gw.url, bob, `mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id: jobId }).catch((e: GraphqlError) => e.errors.map((x) => [x.extensions?.code, x.message.replace(String(jobId), 'N')]));
    expect(await cancel(id)).toEqual([['NOT_FOUND', 'Invalid job id specified: N']]);
    expect(await cancel(id)).toEqual(await cancel(missing));
    expect((await gql(gw.url, bob, `query($id: Int!) { job(id: $id) { state } }`, { id })).job).toBeNull();
    const output = (jobId: number) => gql(gw.url, bob, `query($id: Int!) { jobOutput(id: $id) { data } }`, { id: jobId }).catch((e: GraphqlError) => e.code);
    expect(await output(id)).toBe('NOT_FOUND');
    // A dependency on it is refused exactly like one on a job that does not exist.
    const dep = (jobId: number) => gql(gw.url, bob, SUBMIT, { s: OK, a: ['-d', `afterok:${jobId}`], cwd: gw.dir }).catch((e: GraphqlError) => e.message.replace(String(jobId), 'N'));
    expect(await dep(id)).toBe(await dep(missing));
    const mine = await gql(gw.url, bob, `{ jobs { total } }`);
    expect(mine.jobs.total).toBe(0);
    // Still held, untouched by bob's attempt.
    expect((await gql(gw.url, alice, `query($id: Int!) { job(id: $id) { state } }`, { id })).job.state).toBe('HELD');
    await gql(gw.url, alice, `mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id });
  });

  it('refuses what only administrators may do', async () => {
    await expect(gql(gw.url, alice, SUBMIT, { s: OK, a: ['--nice=-5'], cwd: gw.dir })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(gql(gw.url, alice, `mutation { createUser(username: "mallory") { id } }`)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses requests without a valid token', async () => {
    await expect(gql(gw.url, null, `{ jobs { total } }`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(gql(gw.url, 'hpcg_not-a-token', `{ jobs { total } }`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('left no job row behind for any rejected submission', async () => {
    const all = await gw.admin(`{ jobs { total items { id state } } }`);
    // Only the one held job of the permission test exists.
    expect(all.jobs.total).toBe(1);
  });
});
