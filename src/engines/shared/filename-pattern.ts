import { resolve } from 'node:path';

/**
 * sbatch's filename patterns for --output / --error / --input (sbatch(1) "filename pattern"), expanded
 * per task the way slurmstepd does, so the same `-o` gives the same file name on every engine.
 */
export interface FilenameContext {
  /** The task's own job id (`%j`): the job id, or the array task's raw id. */
  jobId: number;
  /** Array master job id (`%A`); for a plain job, the job id. */
  arrayJobId: number;
  /** Array index (`%a`); null for a plain job. */
  arrayIndex: number | null;
  jobName: string;
  user: string;
  /** Short host name (`%N`). */
  host: string;
}

/** What Slurm prints for `%a` in a job that is not an array (NO_VAL); scripts written for Slurm may rely on it. */
export const NO_ARRAY_INDEX = 4294967294;

/** Slurm caps the zero-padding width at 10. */
const MAX_PADDING = 10;

export const DEFAULT_OUTPUT = 'slurm-%j.out';
export const DEFAULT_ARRAY_OUTPUT = 'slurm-%A_%a.out';

export function expandFilenamePattern(pattern: string, ctx: FilenameContext): string {
  // A backslash anywhere turns expansion off; the backslashes themselves are dropped (`\\` keeps one).
  if (pattern.includes('\\')) return pattern.replace(/\\(\\?)/g, '$1');

  const numeric: Record<string, number> = {
    j: ctx.jobId,
    J: ctx.jobId, // for the batch step, jobid.stepid is just the job id
    A: ctx.arrayJobId,
    a: ctx.arrayIndex ?? NO_ARRAY_INDEX,
    b: (ctx.arrayIndex ?? NO_ARRAY_INDEX) % 10,
    n: 0,
    t: 0,
  };
  const text: Record<string, string> = { x: ctx.jobName, u: ctx.user, N: ctx.host, s: 'batch' };

  return pattern.replace(/%(%|(\d*)([A-Za-z]?))/g, (whole: string, body: string, digits: string, letter: string) => {
    if (body === '%') return '%';
    if (letter in numeric) {
      const width = digits ? Math.min(Number(digits), MAX_PADDING) : 0;
      return String(numeric[letter]).padStart(width, '0');
    }
    // Padding means nothing for text fields; Slurm ignores it.
    if (letter in text) return text[letter];
    return whole;
  });
}

/** The absolute path a pattern names for one task: relative patterns are relative to the working directory. */
export function resolveOutputPath(pattern: string, ctx: FilenameContext, workdir: string): string {
  return resolve(workdir, expandFilenamePattern(pattern, ctx));
}
