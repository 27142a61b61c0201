/**
 * A job's --output/--error pattern expanded the way Slurm shows it in `scontrol show job` and sacct:
 * `%j %A %a %x %u %N %%` and zero-padded forms like `%4a`, relative to the working directory. A
 * backslash anywhere turns expansion off (sbatch's rule). Unknown `%z` stays as written.
 */
import type { PrintedJob } from './printed-jobs';
import { firstHost } from './hostlist';

/** What Slurm substitutes for %a in a job that is not an array (NO_VAL). */
const NO_ARRAY_TASK = 4294967294;

export function defaultOutputPattern(r: PrintedJob): string {
  return r.job.isArray ? 'slurm-%A_%a.out' : 'slurm-%j.out';
}

export function expandOutputPath(pattern: string, r: PrintedJob): string {
  const expanded = pattern.includes('\\') ? pattern.replace(/\\/g, '') : expandPattern(pattern, r);
  if (expanded.startsWith('/')) return expanded;
  return `${r.job.workdir.replace(/\/+$/, '')}/${expanded}`;
}

function expandPattern(pattern: string, r: PrintedJob): string {
  return pattern.replace(/%(\d*)([%AajJxuNnst])/g, (whole, digits: string, code: string) => {
    const pad = (v: number | string) => String(v).padStart(digits ? Number(digits) : 0, '0');
    switch (code) {
      case '%':
        return '%';
      case 'A':
        return pad(r.job.id);
      case 'a':
        return pad(r.arrayIndex ?? NO_ARRAY_TASK);
      case 'j':
      case 'J':
        return pad(r.rawId);
      case 'x':
        return r.job.name;
      case 'u':
        return r.job.user;
      case 'N':
        return firstHost(r.nodeList) ?? whole;
      case 'n':
      case 't':
        return pad(0);
      case 's':
        return 'batch';
      default:
        return whole;
    }
  });
}
