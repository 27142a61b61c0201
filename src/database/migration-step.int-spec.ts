import { execFile } from 'node:child_process';
import { bin } from '../../test/support/gateway-process';
import { createTestDatabase } from '../../test/support/test-database';

/** A built entry point run as a site runs it: exit code and what it printed. */
function run(entry: 'hpcg-api' | 'hpcg-worker' | 'hpcg-migrate', databaseUrl: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin(entry)], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, HPCG_PORT: '0', HPCG_WORKER_PORT: '0' }, timeout: 60_000 }, (e, out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, out, err }),
    );
  });
}

/**
 * Migrations are their own step (issue 15): `hpcg-migrate` creates and migrates the database; the API and
 * the worker never do, and refuse a database that is behind with what to run instead of a stack trace.
 */
// Each case starts built entry points, which load the whole application: seconds on a busy machine.
jest.setTimeout(120_000);

describe('the migration step', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(() => db.drop());

  it('the API and the worker refuse a database that does not exist yet, saying to run hpcg-migrate (exit 2)', async () => {
    for (const entry of ['hpcg-api', 'hpcg-worker'] as const) {
      const r = await run(entry, db.url);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/the database does not exist yet: run `hpcg-migrate`/);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace: an operator's fix, not a bug
    }
  });

  it('hpcg-migrate creates and migrates it, and a second run applies nothing', async () => {
    const first = await run('hpcg-migrate', db.url);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^hpcg-migrate: [1-9]\d* applied \(\d+_init, .*\), 0 already applied\n$/);
    const again = await run('hpcg-migrate', db.url);
    expect(again.out).toMatch(/^hpcg-migrate: 0 applied, [1-9]\d* already applied\n$/);
  });

  it('a database missing the newest migration is refused, naming it', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string }>('DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING migration_name');
    await client.end();
    const r = await run('hpcg-worker', db.url);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the database is not migrated for this version (1 pending: ${rows[0].migration_name})`);
  });
});
