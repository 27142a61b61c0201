import type { OpenMode } from '../../domain/job';

/**
 * What the local engine runs for one job: the output of `translate()` (shown by `sbatch --test-only`),
 * stored in `<jobId>/job.json` and executed by `runtime/launcher.js`. JSON-safe on purpose; the launcher
 * mirrors these types in JSDoc, so a field added here must be read there too.
 */

/** The Unix identity a job switches to; the launch plan has none when the job runs as the worker itself. */
export interface LaunchIdentity {
  user: string;
  uid: number;
  gid: number;
  /** Supplementary groups (empty: none). */
  groups: number[];
  home: string | null;
}

export interface LaunchSignal {
  /** Name without SIG (`USR1`). */
  name: string;
  number: number;
  secondsBeforeLimit: number;
  /** `B:`: signal only the batch shell, not every process of the job. */
  batchOnly: boolean;
}

export interface LaunchTask {
  /** Directory name under `tasks/`: `batch` for a plain job, the array index for an array task. */
  key: string;
  arrayIndex: number | null;
  /** The task's own job id (SLURM_JOB_ID, `%j`). */
  jobId: number;
  /** Added to the plan's common environment for this task only. */
  env: Record<string, string>;
  stdout: string;
  /** null: stderr goes into the stdout file (sbatch without `-e`). */
  stderr: string | null;
  stdin: string;
}

export interface LaunchPlan {
  engine: string;
  jobId: number;
  name: string;
  /** The script (run through its own `#!` interpreter) and its arguments. */
  argv: string[];
  cwd: string;
  /** Environment common to every task. */
  env: Record<string, string>;
  openMode: OpenMode;
  /** CPU slots one task occupies while it runs. */
  slots: number;
  /** null: no limit. */
  timeLimitSeconds: number | null;
  killWaitSeconds: number;
  signal: LaunchSignal | null;
  /** null: the job runs as the worker's own user. */
  runAs: LaunchIdentity | null;
  /** The effective ids the job runs with (runAs, or the worker's). */
  uid: number;
  gid: number;
  /** Array throttle (`%N`); null: no limit. */
  arrayMaxConcurrent: number | null;
  tasks: LaunchTask[];
}
