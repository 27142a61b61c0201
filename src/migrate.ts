#!/usr/bin/env node
import { loadConfig } from './config/load-config';
import { ensureDatabase, migrate } from './database/migrator';

/**
 * `hpcg-migrate`: creates the database if needed and applies the migrations this build ships, then exits.
 * Its own step (run before the API and worker start, e.g. a Kubernetes Job or an ExecStartPre), so a
 * gateway process starts in the time it needs to connect, not to inspect the schema (issue 15).
 */
async function run(): Promise<void> {
  // The whole configuration is checked, so a deployment's first step already says what is wrong with it.
  const url = loadConfig().databaseUrl;
  await ensureDatabase(url);
  const { applied, alreadyApplied } = await migrate(url);
  process.stdout.write(`hpcg-migrate: ${applied.length} applied${applied.length ? ` (${applied.join(', ')})` : ''}, ${alreadyApplied.length} already applied\n`);
}

run().catch((e: Error) => {
  process.stderr.write(`hpcg-migrate: ${e.message}\n`);
  process.exit(1);
});
