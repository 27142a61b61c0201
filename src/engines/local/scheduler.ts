import { Reason } from '../../domain/job';

/**
 * The executor's scheduling decision, kept pure: FIFO by job id, then array index, first fit (a small
 * job may start while a bigger one ahead of it waits for slots), array throttles respected.
 */
export interface QueuedJob {
  jobId: number;
  /** Slots one task of this job occupies. */
  slotsPerTask: number;
  /** Array throttle (`%N`); null: none. */
  maxConcurrent: number | null;
  /** Tasks of this job holding slots right now. */
  running: number;
  /** Task keys waiting to start, in index order. */
  queued: string[];
}

export type PendingReason = typeof Reason.Resources | typeof Reason.Priority | typeof Reason.JobArrayTaskLimit;

export interface ScheduleDecision {
  start: { jobId: number; key: string }[];
  waiting: { jobId: number; key: string; reason: PendingReason }[];
}

/** `jobs` in queue order (ascending job id). */
export function planStarts(jobs: QueuedJob[], totalSlots: number): ScheduleDecision {
  let free = totalSlots - jobs.reduce((used, j) => used + j.running * j.slotsPerTask, 0);
  const decision: ScheduleDecision = { start: [], waiting: [] };
  // Once a job waits for slots, everything after it waits behind it ("Priority") unless it fits anyway.
  let jobWaitingAhead = false;
  for (const job of jobs) {
    let running = job.running;
    let waitsForSlots = false;
    for (const key of job.queued) {
      if (job.maxConcurrent !== null && running >= job.maxConcurrent) {
        decision.waiting.push({ jobId: job.jobId, key, reason: Reason.JobArrayTaskLimit });
      } else if (job.slotsPerTask <= free) {
        decision.start.push({ jobId: job.jobId, key });
        free -= job.slotsPerTask;
        running++;
      } else {
        decision.waiting.push({ jobId: job.jobId, key, reason: jobWaitingAhead ? Reason.Priority : Reason.Resources });
        waitsForSlots = true;
      }
    }
    if (waitsForSlots) jobWaitingAhead = true;
  }
  return decision;
}
