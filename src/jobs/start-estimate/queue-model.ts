/**
 * The gateway's own model of a partition's queue (issue 17): first come, first served on the partition's
 * CPUs, every job running until its time limit. Jobs end at or before their limits, so when the gateway
 * is the partition's only user its estimates are late, never early: an upper bound (what `squeue --start`
 * promises). Pure, so it is tested directly.
 */

export interface Running {
  cpus: number;
  /** When its time limit ends it (start + limit). */
  endsBy: Date;
}

export interface Queued {
  id: number;
  cpus: number;
  /** Its time limit, or the partition's, or the site's assumed run time. */
  runMinutes: number;
  /** Not before this (sbatch --begin, a dependency's expected end). */
  notBefore?: Date | null;
}

export interface PartitionQueue {
  /** The partition's CPUs as its engine last reported them; null when it never has. */
  cpus: number | null;
  running: Running[];
  /** In the order the engine will start them (job id: first come, first served). */
  queued: Queued[];
}

/** Each queued job's estimated start; null for a job the partition can never fit, or when its size is unknown. */
export function estimateStarts(queue: PartitionQueue, now: Date): Map<number, Date | null> {
  const out = new Map<number, Date | null>();
  const capacity = queue.cpus;
  // Busy CPUs as (until, cpus), a job already over its limit ending "now" (the engine is about to end it).
  const busy = queue.running.map((r) => ({ until: Math.max(r.endsBy.getTime(), now.getTime()), cpus: r.cpus }));
  let previous = now.getTime();
  for (const job of queue.queued) {
    if (capacity === null || job.cpus > capacity) {
      out.set(job.id, null);
      continue;
    }
    // First come, first served: no job starts before the one ahead of it.
    const start = earliestFit(busy, capacity, job.cpus, Math.max(previous, job.notBefore?.getTime() ?? 0));
    busy.push({ until: start + job.runMinutes * 60_000, cpus: job.cpus });
    previous = start;
    out.set(job.id, new Date(start));
  }
  return out;
}

/** The first time at or after `from` when `cpus` are free, given what is busy until when. */
function earliestFit(busy: { until: number; cpus: number }[], capacity: number, cpus: number, from: number): number {
  const freeAt = (t: number) => capacity - busy.filter((b) => b.until > t).reduce((n, b) => n + b.cpus, 0);
  if (freeAt(from) >= cpus) return from;
  const ends = [...new Set(busy.map((b) => b.until).filter((u) => u > from))].sort((a, b) => a - b);
  for (const t of ends) if (freeAt(t) >= cpus) return t;
  return ends.at(-1) ?? from;
}
