/**
 * Slurm's ways of writing a duration. Which one a column uses is part of what scripts parse, so
 * each says in its comment which Slurm function it copies and which columns print it. sbatch's
 * `--time` grammar (hours unbounded) is not one of these: its formatter lives beside its parser
 * (formatTimeValue in src/sbatch/time-limit.ts).
 */

const DAY = 86_400;
const YEAR = 365 * DAY;

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * squeue %M %l %L and sinfo %l (`_print_secs`): `M:SS`, `H:MM:SS` or `D-HH:MM:SS`, days and hours
 * only as needed; negative or more than a year is `INVALID`.
 */
export function formatCompactDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > YEAR) return 'INVALID';
  const s = Math.floor(seconds);
  const days = Math.floor(s / DAY);
  const hours = Math.floor(s / 3600) % 24;
  const minutes = Math.floor(s / 60) % 60;
  const secs = s % 60;
  if (days) return `${days}-${pad2(hours)}:${pad2(minutes)}:${pad2(secs)}`;
  if (hours) return `${hours}:${pad2(minutes)}:${pad2(secs)}`;
  return `${minutes}:${pad2(secs)}`;
}

/** sacct Elapsed and scontrol RunTime (`secs2time_str`): `HH:MM:SS` or `D-HH:MM:SS`; negative is `INVALID`. */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'INVALID';
  const s = Math.floor(seconds);
  const days = Math.floor(s / DAY);
  const hms = `${pad2(Math.floor(s / 3600) % 24)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  return days ? `${days}-${hms}` : hms;
}

/** sacct Timelimit and scontrol TimeLimit/TimeMin (`mins2time_str`): like formatElapsed, `UNLIMITED` for -1. */
export function formatLimitMinutes(minutes: number): string {
  return minutes < 0 ? 'UNLIMITED' : formatElapsed(minutes * 60);
}

/** Whole seconds from one instant to a later one; never negative, for a clock that ran backwards. */
export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}
