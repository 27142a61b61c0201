import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase, migrate } from '../../src/database/migrator';

const ADMIN_URL = process.env.HPCG_TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database for one test file, dropped afterwards, so test files run in parallel; migrated unless
 * `migrated: false` (a test of the migration step itself), when it is not even created.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hpcg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  if (options.migrated !== false) {
    await ensureDatabase(url.toString());
    await migrate(url.toString());
  }
  return {
    url: url.toString(),
    drop: async () => {
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
