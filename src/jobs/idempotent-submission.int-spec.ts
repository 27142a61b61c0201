import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { GatewayFixture } from '../../test/support/gateway-fixture';
import { GraphqlError, gql, refusal } from '../../test/support/graphql-client';

/**
 * Issue 15, items 5 and 6: a client retrying a submission whose answer it lost never makes a second job
 * (idempotency keys), and PostgreSQL connections terminated under a stream of submissions lose none and
 * double none: the API retries the batch once on a fresh connection, and says so clearly when it cannot.
 */
const SUBMIT = `mutation($s: String, $cwd: String, $key: String) { submitBatchScript(script: $s, cwd: $cwd, idempotencyKey: $key) { jobId } }`;
const SUBMIT_JOB = `mutation($key: String) { submitJob(input: { script: "#!/bin/sh\\ntrue\\n", hold: true }, cwd: "/tmp", idempotencyKey: $key) { jobId } }`;
const SCRIPT = '#!/bin/sh\n#SBATCH --hold\ntrue\n';

describe('idempotent submissions', () => {
  jest.setTimeout(180_000);
  let gw: GatewayFixture;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    gw = await GatewayFixture.start();
    alice = await gw.user('alice');
    bob = await gw.user('bob');
  });
  afterAll(() => gw.stop());

  const submit = (token: string, key?: string) => gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, SUBMIT, { s: SCRIPT, cwd: gw.dir, key }).then((r) => r.submitBatchScript.jobId);
  const sql = async <T>(query: string, values: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: gw.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(query, values)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const jobCount = async () => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM jobs'))[0].n;

  it('the same key again returns the same job, for sbatch scripts and structured jobs; another user\'s key is their own', async () => {
    const key = randomUUID();
    const first = await submit(alice, key);
    expect(await submit(alice, key)).toBe(first);
    expect(await submit(bob, key)).not.toBe(first);
    const structured = (await gql(gw.url, alice, SUBMIT_JOB, { key: `${key}-job` })).submitJob.jobId;
    expect((await gql(gw.url, alice, SUBMIT_JOB, { key: `${key}-job` })).submitJob.jobId).toBe(structured);
    expect(await submit(alice)).not.toBe(await submit(alice)); // no key: two submissions, two jobs
  });

  it('a key that is not 1-200 printable characters is refused, and nothing is stored', async () => {
    const before = await jobCount();
    for (const key of ['', 'has space', 'x'.repeat(201), 'tab\there']) {
      expect(await refusal(submit(alice, key))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'idempotencyKey' } });
    }
    expect(await jobCount()).toBe(before);
  });

  it('database connections terminated under 16 submitting clients: each key is one job, none lost, none doubled', async () => {
    const dbUrl = gw.env.DATABASE_URL;
    const killer = new Client({ connectionString: dbUrl });
    await killer.connect();
    // The fault window is bounded (as an outage is): under heavy machine load one submission's transaction
    // can outlast the 30 ms between kills every time, and the test is about what is stored, not about luck.
    let killing = true;
    let terminated = 0;
    const kill = (async () => {
      while (killing && terminated < 160) {
        const r = await killer.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`);
        terminated += r.rows[0].n as number;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();

    // What hpcg sbatch does: one key per submission, sent again (after a growing pause) while the answer is
    // lost or unavailable.
    const keys = Array.from({ length: 240 }, () => randomUUID());
    const ids = new Map<string, number>();
    const unavailable: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < keys.length) {
        const key = keys[next++];
        for (let attempt = 0; ; attempt++) {
          try {
            ids.set(key, await submit(alice, key));
            break;
          } catch (e) {
            if (!(e instanceof GraphqlError) || e.errors[0].extensions?.code !== 'UNAVAILABLE' || attempt > 30) throw e;
            unavailable.push(e.errors[0].message);
            await new Promise((resolve) => setTimeout(resolve, Math.min(20 * 2 ** attempt, 500)));
          }
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 16 }, client));
    } finally {
      killing = false;
      await kill;
      await killer.end();
    }

    expect(terminated).toBeGreaterThan(0);
    expect(ids.size).toBe(keys.length);
    expect(new Set(ids.values()).size).toBe(keys.length);
    // Every job stored exactly once under its key, and nothing else stored by this burst.
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE idempotency_key = ANY($1) GROUP BY idempotency_key`, [keys]);
    expect(rows.length).toBe(keys.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // When the API could not store a batch, it said what happened and what to do.
    for (const message of unavailable) expect(message).toMatch(/database connection was lost .*same idempotency key/);
  });
});
