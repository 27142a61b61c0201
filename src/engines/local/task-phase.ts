import type { ProcessStamp } from './runtime/process-stamp';
import type { ExitRecord, TaskSnapshot } from './task-snapshot';

/** Where a task stands, decided from its state files and whether the processes they name still live. */
export type TaskPhase =
  | { kind: 'queued' }
  /** Cancel requested before anything started it. */
  | { kind: 'cancelled-pending' }
  /** Claimed by the executor: the launcher runs (or is still booting). */
  | { kind: 'running' }
  /** Claimed, no exit record, and no launcher any more: the task can never report back. */
  | { kind: 'lost'; reason: string }
  /** Claimed, but its launcher never passed its gate: the script never ran, and the executor requeues it. */
  | { kind: 'unstarted' }
  | { kind: 'done'; exit: ExitRecord };

export const LAUNCHER_LOST_REASON = 'launcher lost (worker host restarted?)';
export const LAUNCHER_NEVER_STARTED_REASON = 'launcher never started (worker crashed while starting the task?)';
/** How long a claimed task may go without its launcher's stamp before it is given up (node boots in well under 1 s). */
export const LAUNCHER_START_GRACE_MS = 30_000;
/**
 * The same once the process that claimed it is gone (a worker killed while starting the task): its
 * launcher, if it was spawned at all, is still booting only on a badly overloaded host. Requeueing
 * sooner is safe either way: a launcher arriving after the requeue finds its gate taken.
 */
export const ORPHANED_CLAIM_GRACE_MS = 5_000;

export function classifyTask(snapshot: TaskSnapshot, now: Date, isAlive: (stamp: ProcessStamp) => boolean): TaskPhase {
  if (snapshot.exit) return { kind: 'done', exit: snapshot.exit };
  if (snapshot.claim?.by === 'cancel') return { kind: 'cancelled-pending' };
  const claim = snapshot.claim;
  if (claim) {
    // Once a launcher has passed its gate the script may have run: its death is NODE_FAIL, never a requeue.
    if (snapshot.launcher) return isAlive(snapshot.launcher) ? { kind: 'running' } : { kind: 'lost', reason: LAUNCHER_LOST_REASON };
    const waited = now.getTime() - new Date(claim.claimedAt).getTime();
    // Claims of older gateways have no attempt (and their launchers no gate): they cannot be requeued safely.
    if (claim.attempt === undefined) return waited > LAUNCHER_START_GRACE_MS ? { kind: 'lost', reason: LAUNCHER_NEVER_STARTED_REASON } : { kind: 'running' };
    if (snapshot.abandoned) return { kind: 'unstarted' };
    const claimerGone = claim.claimer ? !isAlive(claim.claimer) : false;
    if (waited > LAUNCHER_START_GRACE_MS || (claimerGone && waited > ORPHANED_CLAIM_GRACE_MS)) return { kind: 'unstarted' };
    return { kind: 'running' };
  }
  if (snapshot.cancelRequested) return { kind: 'cancelled-pending' };
  return { kind: 'queued' };
}
