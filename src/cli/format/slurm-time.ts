/**
 * Slurm's three ways of writing a duration and its one way of writing an instant. Which one a
 * column uses is part of what scripts parse, so each is named after the Slurm function it copies.
 */

const DAY = 86_400;
const YEAR = 365 * DAY;

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * squeue/sinfo `_print_secs`: `M:SS`, `H:MM:SS` or `D-HH:MM:SS` (days and hours only as needed);
 * negative or more than a year is `INVALID`.
 */
export function formatClock(seconds: number): string {
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

/** sacct Elapsed, scontrol RunTime (`secs2time_str`): `HH:MM:SS` or `D-HH:MM:SS`; negative is `INVALID`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'INVALID';
  const s = Math.floor(seconds);
  const days = Math.floor(s / DAY);
  const hms = `${pad2(Math.floor(s / 3600) % 24)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  return days ? `${days}-${hms}` : hms;
}

/** sacct Timelimit, scontrol TimeLimit (`mins2time_str`): like formatDuration, `UNLIMITED` for -1. */
export function formatLimitMinutes(minutes: number): string {
  return minutes < 0 ? 'UNLIMITED' : formatDuration(minutes * 60);
}

/** `slurm_make_time_str` with the default SLURM_TIME_FORMAT: local `YYYY-MM-DDTHH:MM:SS`. */
export function formatTimestamp(instant: Date): string {
  return (
    `${instant.getFullYear()}-${pad2(instant.getMonth() + 1)}-${pad2(instant.getDate())}` +
    `T${pad2(instant.getHours())}:${pad2(instant.getMinutes())}:${pad2(instant.getSeconds())}`
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The date line `squeue -l` prints above its header (`slurm_ctime2`: "%a %b %d %T %Y"). */
export function formatCtime(instant: Date): string {
  return (
    `${WEEKDAYS[instant.getDay()]} ${MONTHS[instant.getMonth()]} ${pad2(instant.getDate())} ` +
    `${pad2(instant.getHours())}:${pad2(instant.getMinutes())}:${pad2(instant.getSeconds())} ${instant.getFullYear()}`
  );
}

/** Seconds between two instants, never negative for a job whose clock ran backwards. */
export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}
