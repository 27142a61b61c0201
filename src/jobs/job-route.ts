import type { ResolvedPartition } from '../config/load-config';
import type { RouteRule } from '../config/routing-config.schema';
import type { JobSpec } from '../domain/job';

/**
 * A job's partitions when it named more than one (issue 17), as stored with it (jobs.route): the router
 * chooses among the first `choose` at the first dispatch; a refusal or an engine unreachable for too long
 * moves the job to the next partition after the one it is in, fallbacks included, never back.
 */
export interface StoredRoute {
  partitions: string[];
  choose: number;
  rule: RouteRule;
}

export function storedRoute(job: { route: unknown }): StoredRoute | null {
  return (job.route as StoredRoute | null) ?? null;
}

/** The time limit a job runs under in a partition: its --time, else the partition's default (null = unlimited). */
export function timeLimitIn(spec: Pick<JobSpec, 'timeLimitMinutes'>, partition: Pick<ResolvedPartition, 'defaultTimeMinutes'>): number | null {
  return spec.timeLimitMinutes ?? (partition.defaultTimeMinutes === -1 ? null : partition.defaultTimeMinutes);
}

/** The partition after `current` in the route, or null when it is the last. */
export function nextPartition(route: StoredRoute, current: string): string | null {
  const at = route.partitions.indexOf(current);
  return route.partitions[at + 1] ?? null;
}

/** How squeue names a job's partition: the one it is in once placed, the whole list while the router has not chosen (as Slurm does). */
export function shownPartition(job: { partition: string; route: unknown; placedAt: Date | null }): string {
  const route = storedRoute(job);
  return route && !job.placedAt ? route.partitions.slice(0, route.choose).join(',') : job.partition;
}
