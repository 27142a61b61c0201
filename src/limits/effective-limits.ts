import type { SiteConfig } from '../config/site-config.schema';

export type LimitName = 'maxQueued' | 'maxRunning' | 'maxCpus' | 'maxGpus' | 'maxNotebooks';
export type Limits = Partial<Record<LimitName, number>>;

/**
 * A user's limits: for each limit, the most generous value among the groups they belong to that set
 * it (a group limit is a grant for its members, like a Slurm QOS given to an account), else `default`.
 * Every limit applies per user. Absent = unlimited.
 */
export function effectiveLimits(limits: SiteConfig['limits'], groups: string[]): Limits {
  const result: Limits = { ...limits.default };
  const names = new Set(groups.flatMap((g) => Object.keys(limits.groups[g] ?? {}))) as Set<LimitName>;
  for (const name of names) {
    result[name] = Math.max(...groups.map((g) => limits.groups[g]?.[name]).filter((v): v is number => v !== undefined));
  }
  return result;
}

/** What a job occupies while it runs, in the units of the limits. */
export interface Footprint {
  /** Jobs running at once: 1, or for an array its throttle (`%N`) or task count, whichever is smaller. */
  jobs: number;
  cpus: number;
  gpus: number;
}

export interface Usage extends Footprint {}

/** Slurm's pending reasons for the QOS per-user limits the running caps mirror. */
export const LimitReason = {
  maxRunning: 'QOSMaxJobsPerUserLimit',
  maxCpus: 'QOSMaxCpuPerUserLimit',
  maxGpus: 'QOSMaxGRESPerUser',
} as const;

const RUNNING: [keyof Footprint, 'maxRunning' | 'maxCpus' | 'maxGpus'][] = [
  ['jobs', 'maxRunning'],
  ['cpus', 'maxCpus'],
  ['gpus', 'maxGpus'],
];

/** The limit a job alone exceeds (it could never run), or null. */
export function exceedsAlone(limits: Limits, job: Footprint): { limit: LimitName; asked: number; allowed: number } | null {
  for (const [unit, limit] of RUNNING) {
    const allowed = limits[limit];
    if (allowed !== undefined && job[unit] > allowed) return { limit, asked: job[unit], allowed };
  }
  return null;
}

/** The Slurm-style reason a job must wait because of what the user already runs, or null when it may go. */
export function runningBlock(limits: Limits, usage: Usage, job: Footprint): string | null {
  for (const [unit, limit] of RUNNING) {
    const allowed = limits[limit];
    if (allowed !== undefined && usage[unit] + job[unit] > allowed) return LimitReason[limit];
  }
  return null;
}

export function hasRunningLimits(limits: Limits): boolean {
  return RUNNING.some(([, limit]) => limits[limit] !== undefined);
}

export const LIMIT_REASONS: ReadonlySet<string> = new Set(Object.values(LimitReason));
