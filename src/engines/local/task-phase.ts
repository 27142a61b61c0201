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
  | { kind: 'done'; exit: ExitRecord };

export const LAUNCHER_LOST_REASON = 'launcher lost (worker host restarted?)';
export const LAUNCHER_NEVER_STARTED_REASON = 'launcher never started (worker crashed while starting the task?)';
/** How long a claimed task may go without its launcher's stamp before it is given up (node boots in well under 1 s). */
export const LAUNCHER_START_GRACE_MS = 30_000;

export function classifyTask(snapshot: TaskSnapshot, now: Date, isAlive: (stamp: ProcessStamp) => boolean): TaskPhase {
  if (snapshot.exit) return { kind: 'done', exit: snapshot.exit };
  if (snapshot.claim?.by === 'cancel') return { kind: 'cancelled-pending' };
  if (snapshot.claim) {
    if (snapshot.launcher) return isAlive(snapshot.launcher) ? { kind: 'running' } : { kind: 'lost', reason: LAUNCHER_LOST_REASON };
    const waited = now.getTime() - new Date(snapshot.claim.claimedAt).getTime();
    return waited > LAUNCHER_START_GRACE_MS ? { kind: 'lost', reason: LAUNCHER_NEVER_STARTED_REASON } : { kind: 'running' };
  }
  if (snapshot.cancelRequested) return { kind: 'cancelled-pending' };
  return { kind: 'queued' };
}
