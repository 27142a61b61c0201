/** The closed vocabularies of a JobSpec: what sbatch accepts, in the spelling a JobSpec keeps. */

export const DEPENDENCY_TYPES = ['after', 'afterany', 'afterok', 'afternotok', 'aftercorr', 'afterburstbuffer', 'singleton'] as const;

export const MAIL_TYPES = [
  'BEGIN',
  'END',
  'FAIL',
  'REQUEUE',
  'INVALID_DEPEND',
  'STAGE_OUT',
  'TIME_LIMIT',
  'TIME_LIMIT_90',
  'TIME_LIMIT_80',
  'TIME_LIMIT_50',
  'ARRAY_TASKS',
] as const;

/** The resource limits Slurm can propagate (sbatch(1) --propagate). */
export const RLIMIT_NAMES = ['AS', 'CORE', 'CPU', 'DATA', 'FSIZE', 'MEMLOCK', 'NOFILE', 'NPROC', 'RSS', 'STACK'] as const;

/** Partition names, as the site configuration allows them. */
export const PARTITION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
