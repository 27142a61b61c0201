import type { RouteRule } from '../config/routing-config.schema';
import { type PartitionQueue, estimateStarts } from './start-estimate/queue-model';

/** One partition a job may go to, as the gateway knows it this pass (stored capacity, its own queue). */
export interface RouteCandidate {
  partition: string;
  queue: PartitionQueue;
  /** Its engine's capacity is stale or reported down: not chosen while another one answers. */
  down: boolean;
}

export interface RouteChoice {
  partition: string;
  /** Said in the job's events: why this one. */
  why: string;
  /** When the job would start there, by the gateway's model; null: not known. */
  expectedStart: Date | null;
}

const PROBE = -1;

/**
 * Chooses the partition of a job among its candidates (in the order the user or the site gave them) by
 * the rule (see routing-config.schema.ts). Decided only from what the gateway already knows: never asks
 * an engine. Pure, so it is tested directly.
 */
export function choosePartition(candidates: RouteCandidate[], job: { cpus: number; runMinutes: number }, rule: RouteRule, now: Date): RouteChoice {
  const up = candidates.filter((c) => !c.down);
  if (up.length === 0) return { partition: candidates[0].partition, why: 'no engine of the list answers lately; the first partition', expectedStart: null };
  const starts = up.map((c) => estimateStarts({ ...c.queue, queued: [...c.queue.queued, { id: PROBE, ...job }] }, now).get(PROBE) ?? null);
  const at = (i: number) => starts[i]?.getTime() ?? Infinity;
  let pick = 0;
  if (rule === 'earliest-start') {
    for (let i = 1; i < up.length; i++) if (at(i) < at(pick)) pick = i;
  } else if (rule === 'in-order') {
    const roomNow = up.findIndex((_, i) => at(i) <= now.getTime());
    pick = roomNow === -1 ? 0 : roomNow;
  } else {
    const free = up.map((c) => freeShare(c.queue, now));
    for (let i = 1; i < up.length; i++) if (free[i] > free[pick]) pick = i;
  }
  const expectedStart = starts[pick];
  const when = expectedStart ? (expectedStart.getTime() <= now.getTime() ? 'room now' : `expected start ${expectedStart.toISOString()}`) : 'start unknown';
  return { partition: up[pick].partition, why: `${rule}: ${up[pick].partition} (${when}) of ${candidates.map((c) => c.partition + (c.down ? ' (unreachable)' : '')).join(', ')}`, expectedStart };
}

/** The share of a partition's CPUs neither running nor promised to its queue; -1 when its size is unknown. */
function freeShare(queue: PartitionQueue, now: Date): number {
  if (!queue.cpus) return -1;
  const busy = queue.running.filter((r) => r.endsBy.getTime() > now.getTime()).reduce((n, r) => n + r.cpus, 0);
  const promised = queue.queued.reduce((n, q) => n + q.cpus, 0);
  return (queue.cpus - busy - promised) / queue.cpus;
}
