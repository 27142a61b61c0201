import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, liveGroupMembers, ProcessStamp, stampOf } from './runtime/process-stamp';
import { publishExclusive, readJsonIfExists, writeFileAtomic } from './runtime/state-files';
import type { ClaimRecord, ExitRecord, TaskSnapshot } from './task-snapshot';
import F = require('./runtime/task-files');

/**
 * The writes that decide a task's fate. Each is exclusive where two processes could race (the executor
 * starting a task while an API replica cancels it): the first writer wins and the loser reads the result.
 */

/**
 * Take the task: only one of executor (start) and cancel (never start) ever gets it. An executor's claim
 * names a fresh start attempt and the claiming process. Returns the claim written, or null.
 */
export function claimTask(dir: string, by: ClaimRecord['by']): ClaimRecord | null {
  const claim: ClaimRecord = { claimedAt: new Date().toISOString(), by };
  if (by === 'executor') Object.assign(claim, { attempt: randomBytes(8).toString('hex'), claimer: stampOf(process.pid) });
  return publishExclusive(join(dir, F.CLAIM), JSON.stringify(claim)) ? claim : null;
}

/**
 * Gives up a start attempt whose launcher never passed its gate, and puts the task back in the queue.
 * The gate is taken first, so a launcher arriving late finds it taken and runs nothing; only then does
 * the claim go. Called by the executor alone (one per state directory), and nothing else removes
 * claims, so the claim removed is `claim`. False: the launcher won its gate first, and runs.
 */
export function releaseUnstartedClaim(dir: string, claim: ClaimRecord): boolean {
  if (!F.isAttempt(claim.attempt)) return false;
  const gate = join(dir, F.launchGate(claim.attempt));
  const taken = publishExclusive(gate, JSON.stringify({ abandonedAt: new Date().toISOString() }), 0o644);
  // Not taken: by its launcher (it runs), or by an earlier requeue that stopped before removing the claim.
  if (!taken && typeof (readJsonIfExists(gate) as { pid?: unknown } | null)?.pid === 'number') return false;
  rmSync(join(dir, F.CLAIM), { force: true });
  return true;
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
