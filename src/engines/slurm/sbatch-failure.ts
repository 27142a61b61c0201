import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';

/** What Slurm's clients print when slurmctld (or slurmdbd) cannot be reached: retry later, never fail the job. */
export const SLURM_UNAVAILABLE = /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted|slurm_persist_conn|Communication connection failure|Transport endpoint|Unable to establish|temporarily unable|Resource temporarily unavailable|Connection reset|No route to host/i;

/** sbatch's own words for a request it rejected ("sbatch: error: Batch job submission failed: Invalid partition name specified"). */
const SBATCH_REFUSAL = /^sbatch: error:/im;

/**
 * What a failed sbatch means (DESIGN.md §6.4). slurmctld unreachable → unavailable. An answer in
 * sbatch's own words → refused: the same script is refused again. Anything else (sudo or ssh failing
 * before sbatch ran, no message at all) is not Slurm's verdict on the job → unavailable, retried.
 */
export function sbatchFailure(engine: string, jobId: number, stderr: string, exitCode: number | null): EngineRefusedError | EngineUnavailableError {
  const why = stderr.trim() || `sbatch exited with ${exitCode}`;
  if (SLURM_UNAVAILABLE.test(why)) return new EngineUnavailableError(engine, `sbatch for job ${jobId} on engine ${engine}: ${why}`, { jobId });
  if (SBATCH_REFUSAL.test(why)) return new EngineRefusedError(engine, `Slurm refused job ${jobId} on engine ${engine}: ${why}`, { jobId });
  return new EngineUnavailableError(engine, `sbatch did not run for job ${jobId} on engine ${engine}: ${why}`, { jobId });
}
