import { join } from 'node:path';
import { isAlive, liveGroupMembers, ProcessStamp } from './runtime/process-stamp';
import { publishExclusive, readJsonIfExists, writeFileAtomic } from './runtime/state-files';
import type { ClaimRecord, ExitRecord, TaskSnapshot } from './task-snapshot';
import F = require('./runtime/task-files');

/**
 * The writes that decide a task's fate. Each is exclusive where two processes could race (the executor
 * starting a task while an API replica cancels it): the first writer wins and the loser reads the result.
 */

/** Take the task: only one of executor (start) and cancel (never start) ever gets it. */
export function claimTask(dir: string, by: ClaimRecord['by']): boolean {
  const claim: ClaimRecord = { claimedAt: new Date().toISOString(), by };
  return publishExclusive(join(dir, F.CLAIM), JSON.stringify(claim));
}

export function markCancelRequested(dir: string): void {
  writeFileAtomic(join(dir, F.CANCEL), new Date().toISOString());
}

export interface Settled {
  /** The exit record that stands. */
  exit: ExitRecord;
  /** Whether this call wrote it (false: another process or the launcher was first). */
  published: boolean;
}

/** Publishes `record` unless an exit record exists already. */
export function publishExit(dir: string, record: Omit<ExitRecord, 'endTime'>): Settled {
  const full: ExitRecord = { ...record, endTime: new Date().toISOString() };
  if (publishExclusive(join(dir, F.EXIT), JSON.stringify(full), 0o644)) return { exit: full, published: true };
  return { exit: readJsonIfExists(join(dir, F.EXIT)) as ExitRecord, published: false };
}

/** A pending task that was cancelled: settle it as CANCELLED, unless the executor claimed it first (then the launcher sees the marker). */
export function settleCancelledPending(dir: string): Settled | null {
  if (!claimTask(dir, 'cancel')) {
    // Claimed already: by the executor (the launcher will see the marker), or by an earlier cancel that did not finish.
    const claim = readJsonIfExists(join(dir, F.CLAIM)) as ClaimRecord | null;
    if (claim?.by !== 'cancel') return null;
  }
  return publishExit(dir, { state: 'CANCELLED', exitCode: 0, signal: null, reason: 'cancelled before start' });
}

/**
 * A task whose launcher is gone can never report: kill what is left of its processes (they would hold
 * slots nobody accounts for) and record NODE_FAIL, as Slurm does for a node that went down under a job.
 */
export function settleLostTask(dir: string, snapshot: TaskSnapshot, reason: string): Settled {
  if (snapshot.job) killJobProcesses(snapshot.job);
  return publishExit(dir, { state: 'NODE_FAIL', exitCode: null, signal: null, reason });
}

function killJobProcesses(leader: ProcessStamp): void {
  const kill = (pid: number) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to kill (then it is not the job's either).
    }
  };
  if (isAlive(leader)) kill(-leader.pid);
  // The leader may be gone while its children live on in its process group.
  for (const pid of liveGroupMembers(leader.pid, leader.startTicks)) kill(pid);
}
