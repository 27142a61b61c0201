/**
 * The bounds of the JobSpec contract. Slurm itself accepts nonsense such as `-n 2147483647` or
 * `--mem=99999999999T` and fails later (or never); the gateway refuses it at submission with the
 * bound named in the error. The sbatch parser reads the same bounds, so both refuse alike.
 */

/** A site's own limits (slurm.conf and the gateway's configuration), narrower than the absolute ones below. */
export interface JobSpecLimits {
  /** Slurm's MaxArraySize: array indices must be below it. */
  maxArraySize: number;
  /** Largest accepted batch script, in UTF-8 bytes. */
  maxScriptBytes: number;
}

/** Slurm's own ceiling for MaxArraySize (slurm.conf(5)); also the bound when no site limits are given. */
export const ABSOLUTE_MAX_ARRAY_SIZE = 4_000_001;

/** Nodes, tasks, CPUs per task, tasks per node, GPUs, array throttle. */
export const MAX_COUNT = 1_000_000;

/** Time limits and --time-min: one year. Longer is expressed as UNLIMITED. */
export const MAX_TIME_MINUTES = 365 * 24 * 60;

/** Memory per node / CPU / GPU: 1 PiB expressed in MB. */
export const MAX_MEMORY_MB = 1024 ** 3;

/** Job names, account, QOS, partition, reservation, license and GPU type names, mail user. */
export const MAX_NAME_LENGTH = 255;

/** Filename patterns and the working directory (Linux PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/** --comment and --constraint. */
export const MAX_TEXT_LENGTH = 4096;

/** --nice range, as sbatch(1) states it. */
export const MAX_NICE = 2_147_483_645;

/** --priority: Slurm refuses values >= 4294967294. */
export const MAX_PRIORITY = 4_294_967_293;

/** --signal sig_time range in seconds (sbatch(1)). */
export const MAX_SIGNAL_SECONDS = 65_535;

/** Highest signal number on Linux. */
export const MAX_SIGNAL_NUMBER = 64;

/** Gateway job ids are positive 32-bit integers. */
export const MAX_JOB_ID = 2_147_483_647;

/** --get-user-env timeout in seconds. */
export const MAX_GET_USER_ENV_SECONDS = 3600;
