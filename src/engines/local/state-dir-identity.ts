import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { publishExclusive, readTextIfExists } from './runtime/state-files';
import { isJobDirName } from './state-layout';
import F = require('./runtime/task-files');

export type Binding =
  /** Recorded for this database already. */
  | { kind: 'bound' }
  /** First use: the directory now records this database; `jobs` counts job folders it held from before ids were recorded. */
  | { kind: 'adopted'; jobs: number };

/**
 * Binds a state directory to the gateway database it serves: `<stateDir>/database-id`, written when the
 * directory is first used, names the database (its `database_identity` row). Job folders are named by
 * gateway job id alone, so without this another database's job 2 (a recreated database, a second gateway
 * on the same folder) would be reported, or cancelled, as this one's.
 */
export function bindStateDir(stateDir: string, databaseId: string): Binding {
  const file = join(stateDir, F.DATABASE_ID);
  const jobsBefore = () => readdirSync(stateDir).filter(isJobDirName).length;
  if (readTextIfExists(file) === null) {
    const jobs = jobsBefore();
    if (publishExclusive(file, `${databaseId}\n`, 0o644)) return { kind: 'adopted', jobs };
  }
  const recorded = (readTextIfExists(file) ?? '').trim();
  if (recorded === databaseId) return { kind: 'bound' };
  throw new Error(
    `it belongs to another gateway database (id ${recorded || '(empty)'}, recorded in ${file}), not to this gateway's (id ${databaseId}); ` +
      `its jobs are not this database's jobs. Point the engine's stateDir (or HPCG_STATE_DIR) at another directory, or remove ${stateDir} if nothing in it is needed any more`,
  );
}
