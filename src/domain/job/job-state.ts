/**
 * Job states, their Slurm display codes and the reasons the gateway sets (DESIGN.md "Job states"):
 * the vocabulary every feature, engine and the CLI share. Depends on nothing.
 */

/** States a job never leaves. */
const FINAL_STATES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL'] as const;

/** Gateway job states. */
export const JOB_STATES = ['PENDING', 'HELD', 'RUNNING', 'SUSPENDED', ...FINAL_STATES] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(FINAL_STATES);

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Slurm's compact state codes, as squeue `%t` prints them. HELD is pending in Slurm's terms. */
export const SLURM_SHORT_STATE: Record<JobState, string> = {
  PENDING: 'PD',
  HELD: 'PD',
  RUNNING: 'R',
  SUSPENDED: 'S',
  COMPLETED: 'CD',
  FAILED: 'F',
  CANCELLED: 'CA',
  TIMEOUT: 'TO',
  OUT_OF_MEMORY: 'OOM',
  NODE_FAIL: 'NF',
};

/** Slurm's long state names (squeue `%T`, sacct State). */
export const SLURM_LONG_STATE: Record<JobState, string> = {
  PENDING: 'PENDING',
  HELD: 'PENDING',
  RUNNING: 'RUNNING',
  SUSPENDED: 'SUSPENDED',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  TIMEOUT: 'TIMEOUT',
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  NODE_FAIL: 'NODE_FAIL',
};

/** Slurm-style reasons the gateway itself sets. */
export const Reason = {
  QueuedInGateway: 'QueuedInGateway',
  EngineUnavailable: 'EngineUnavailable',
  /** The engine refused the job for the user's quota there (Kubernetes ResourceQuota); retried. */
  QuotaExceeded: 'QuotaExceeded',
  Dependency: 'Dependency',
  DependencyNeverSatisfied: 'DependencyNeverSatisfied',
  BeginTime: 'BeginTime',
  JobHeldUser: 'JobHeldUser',
  JobHeldAdmin: 'JobHeldAdmin',
  Resources: 'Resources',
  Priority: 'Priority',
  JobArrayTaskLimit: 'JobArrayTaskLimit',
  None: 'None',
} as const;
