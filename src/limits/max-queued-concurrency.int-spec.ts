import { GatewayFixture } from '../../test/support/gateway-fixture';
import { gql, GraphqlError } from '../../test/support/graphql-client';
import { unixUser, SLURM_TEST_USER } from '../../test/support/slurm-gateway';

/**
 * Issue 13 item 5: maxQueued is checked and the job inserted under the user's lock, so a burst of
 * parallel submissions queues exactly the limit. No worker runs: the jobs stay queued in the gateway.
 */

const SUBMIT = `mutation($s: String!, $a: [String!]) { submitBatchScript(script: $s, args: $a) { jobId } }`;
const COUNT = `query($u: [String!]) { jobs(filter: { users: $u }, page: { limit: 1000 }) { total items { id arrayTasks { index } } } }`;

type Outcome = { ok: true; id: number } | { ok: false; code?: string; message: string; details?: Record<string, unknown> };

describe('maxQueued under concurrency', () => {
  jest.setTimeout(120_000);
  let gw: GatewayFixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 2, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
limits:
  default: { maxQueued: 5 }
`,
    });
    // A real non-root identity (scripts/test-deps/slurm.sh creates the user), should submission require one.
    const id = unixUser(SLURM_TEST_USER);
    for (const name of ['burst', 'arrays']) tokens[name] = await gw.user(`mq-${name}`, { uid: id.uid, gid: id.gid, home: gw.dir });
  });
  afterAll(() => gw?.stop());

  async function submit(user: string, args: string[]): Promise<Outcome> {
    try {
      const r = await gql(gw.url, tokens[user], SUBMIT, { s: '#!/bin/sh\ntrue\n', a: args });
      return { ok: true, id: r.submitBatchScript.jobId };
    } catch (e) {
      if (!(e instanceof GraphqlError)) throw e;
      return { ok: false, code: e.code, message: e.errors[0].message, details: e.errors[0].extensions?.details };
    }
  }

  async function stored(user: string): Promise<{ total: number; tasks: number }> {
    const { jobs } = await gw.admin(COUNT, { u: [`mq-${user}`] });
    return { total: jobs.total, tasks: jobs.items.reduce((n: number, j: { arrayTasks: unknown[] }) => n + Math.max(1, j.arrayTasks.length), 0) };
  }

  it('60 parallel submissions of one user with maxQueued 5: exactly 5 are queued, 55 refused naming maxQueued', async () => {
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => submit('burst', ['-J', `burst-${i}`])));
    const accepted = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(55);
    for (const r of refused) {
      expect(r.code).toBe('LIMIT_EXCEEDED');
      expect(r.message).toMatch(/^QOSMaxSubmitJobPerUserLimit: mq-burst has 5 unfinished jobs; 1 more would exceed the limit of 5 \(limit maxQueued\)$/);
      expect(r.details).toEqual({ limit: 'maxQueued', queued: 5, asked: 1, allowed: 5 });
    }
    expect(await stored('burst')).toEqual({ total: 5, tasks: 5 });
  });

  it('array jobs count their tasks: of 10 parallel 2-task arrays two fit (4 tasks), then one plain job, then nothing', async () => {
    const arrays = await Promise.all(Array.from({ length: 10 }, (_, i) => submit('arrays', ['-J', `arr-${i}`, '--array=0-1'])));
    expect(arrays.filter((o) => o.ok)).toHaveLength(2);
    for (const r of arrays.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok)) expect(r.details).toEqual({ limit: 'maxQueued', queued: 4, asked: 2, allowed: 5 });
    const plain = await Promise.all([submit('arrays', []), submit('arrays', [])]);
    expect(plain.filter((o) => o.ok)).toHaveLength(1);
    expect(plain.find((o) => !o.ok)).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxQueued', queued: 5, asked: 1, allowed: 5 } });
    expect(await stored('arrays')).toEqual({ total: 3, tasks: 5 });
  });
});
