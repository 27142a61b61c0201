import type { TaskUpdate } from '../engine';
import { Reason } from '../../domain/job';
import type { LaunchTask } from './launch-plan';
import type { TaskPhase } from './task-phase';
import type { ExitRecord, TaskSnapshot } from './task-snapshot';

/** What syncAll reports for one task, from its files and phase (a lost or cancelled task already settled into `exit`). */
export function toTaskUpdate(
  jobId: number,
  task: LaunchTask,
  snapshot: TaskSnapshot,
  phase: TaskPhase,
  settled: ExitRecord | null,
  host: string,
): TaskUpdate {
  const base = { jobId, arrayIndex: task.arrayIndex, exitCode: null, signal: null, startTime: null, endTime: null, node: null };
  const exit = phase.kind === 'done' ? phase.exit : settled;
  if (exit) {
    return {
      ...base,
      state: exit.state,
      reason: exit.reason,
      exitCode: exit.exitCode,
      signal: exit.signal,
      startTime: snapshot.startedAt,
      endTime: new Date(exit.endTime),
      node: snapshot.startedAt ? host : null,
    };
  }
  switch (phase.kind) {
    case 'running':
      return { ...base, state: 'RUNNING', reason: null, startTime: snapshot.startedAt ?? claimTime(snapshot), node: host };
    case 'lost':
      return { ...base, state: 'NODE_FAIL', reason: phase.reason, startTime: snapshot.startedAt, endTime: new Date(), node: host };
    case 'cancelled-pending':
      return { ...base, state: 'CANCELLED', reason: 'cancelled before start', endTime: new Date() };
    default:
      // Queued, or going back to the queue (unstarted: the executor requeues it). Without a reason written,
      // the executor has not looked at the task yet (Slurm shows "None" then too).
      return { ...base, state: 'PENDING', reason: snapshot.reason ?? Reason.None };
  }
}

function claimTime(snapshot: TaskSnapshot): Date | null {
  return snapshot.claim ? new Date(snapshot.claim.claimedAt) : null;
}
