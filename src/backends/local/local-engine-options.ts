import type { SecurityConfig } from '../../config/security-config.schema';

/** pino-compatible: the worker passes its pino child logger. */
export interface EngineLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface LocalEngineOptions {
  /** Engine name from the site configuration, e.g. "local". */
  name: string;
  /** CPU slots (the caller defaults it to os.cpus().length). */
  slots: number;
  /** e.g. <HPCG_STATE_DIR>/local/<name>; created if missing. */
  stateDir: string;
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
