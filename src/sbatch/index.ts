/**
 * The sbatch parser: a scientist's sbatch script, SBATCH_* environment and command line become a
 * validated JobSpec, exactly as Slurm's sbatch would read them.
 */
export { parseBatchScript, wrapScript } from './parse-batch-script';
export type { ParseInput, ParseResult } from './parse-batch-script';
export type { ClientOptions } from './collected-options';
export { splitCommandLine } from './split-command-line';
export type { SplitCommandLine } from './split-command-line';
export { SbatchError } from './sbatch-error';
export type { SbatchErrorDetails } from './sbatch-error';
export { parseJobSpecInput, validateJobSpec } from './validate-job-spec';
export { formatTimeValue, parseTimeLimit, timeValueMinutes } from './time-limit';
export { memoryValueMB, parseMemoryMB } from './memory';
export { DEFAULT_PARSE_LIMITS } from './sbatch-limits';
export type { ParseLimits } from './sbatch-limits';
