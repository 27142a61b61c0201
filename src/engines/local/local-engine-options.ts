import type { SecurityConfig } from '../../config/security-config.schema';

import type { EngineLogger } from '../shared/engine-logger';

export interface LocalEngineOptions {
  /** Engine name from the site configuration, e.g. "local". */
  name: string;
  /** CPU slots (the caller defaults it to os.cpus().length). */
  slots: number;
  /** e.g. <HPCG_STATE_DIR>/local/<name>; created if missing. */
  stateDir: string;
  /** The gateway database's id (DatabaseIdentityRepository): the state directory serves that database only. */
  databaseId: string;
  /** Slurm's KillWait: SIGTERM, then SIGKILL after this many seconds. */
  killWaitSeconds: number;
  /** Executor loop period. */
  pollIntervalMs: number;
  /** SLURM_CLUSTER_NAME. */
  clusterName: string;
  logger: EngineLogger;
  /** The site's `security` section (minUid/minGid); the schema's safe defaults when omitted. */
  security?: SecurityConfig;
}
