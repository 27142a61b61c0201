/** Slurm's ways of writing an instant, in local time as Slurm's commands do. */

const pad2 = (n: number) => String(n).padStart(2, '0');

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
