import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { packageRoot } from '../common/package-files';

/**
 * Applies prisma/migrations/<name>/migration.sql in order, each once, recording them in Prisma's
 * own `_prisma_migrations` table (same checksum) so `prisma migrate deploy` agrees on a machine that
 * has Prisma's schema engine. Prisma's CLI cannot run here (it downloads that engine).
 * Safe to run from several processes at once: an advisory lock serialises them.
 */
const LOCK_KEY = 72_707_001;


function migrationsDir(): string {
  const dir = join(packageRoot(), 'prisma', 'migrations');
  if (!existsSync(dir)) throw new Error(`prisma/migrations not found: ${dir} does not exist`);
  return dir;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      // Concurrent creators race: a duplicate_database error means another process won.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04' && e.code !== '23505') throw e;
      });
    }
  } finally {
    await client.end();
  }
}

function migrationNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

/**
 * A gateway process starts only on a database its build knows (issue 15: migrations are their own step,
 * `hpcg-migrate`, not a cost of every start). One query; throws naming what is missing and what to run.
 */
export async function assertMigrated(databaseUrl: string): Promise<void> {
  const names = migrationNames(migrationsDir());
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const done = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    ).catch((e: { code?: string }) => {
      if (e.code === '42P01') return { rows: [] }; // no migrations table: a new database
      throw e;
    });
    const applied = new Set(done.rows.map((r) => r.migration_name));
    const pending = names.filter((n) => !applied.has(n));
    if (pending.length) {
      throw new MigrationsPendingError(
        `the database is not migrated for this version (${pending.length} pending: ${pending.join(', ')}); run the migration step first: \`hpcg-migrate\` (\`npm run migrate\` in a checkout), then start again`,
      );
    }
  } catch (e) {
    if (e instanceof MigrationsPendingError) throw e;
    const code = (e as { code?: string }).code;
    // 3D000: no such database, which only the migration step creates.
    if (code === '3D000') throw new MigrationsPendingError(`the database does not exist yet: run \`hpcg-migrate\` (\`npm run migrate\` in a checkout) to create and migrate it`);
    throw e;
  } finally {
    // Closing a client that never connected fails too; the error that matters is the one above.
    await client.end().catch(() => undefined);
  }
}

/** What an operator must do before the gateway can start; printed without a stack trace. */
export class MigrationsPendingError extends Error {
  override readonly name = 'MigrationsPendingError';
}

export async function migrate(databaseUrl: string): Promise<MigrationResult> {
  const dir = migrationsDir();
  const names = migrationNames(dir);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const name of names) {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = applied.get(name);
      if (previous) {
        if (previous !== checksum) throw new Error(`migration ${name} was changed after it was applied (checksum differs)`);
        result.alreadyApplied.push(name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(e as Error).message}`);
      }
      result.applied.push(name);
    }
  } finally {
    // Not logged: this runs before the logger exists, and a session lock ends with its connection,
    // which the next line closes; an unlock that fails (the connection broke) therefore changes nothing.
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return result;
}
