import type { TaskUpdate } from '../engine';

/** A job the gateway believes an engine has, but that the engine no longer knows: it can never run or report. */
export function missingJobUpdate(jobId: number, reason: string): TaskUpdate {
  return { jobId, arrayIndex: null, state: 'NODE_FAIL', reason, exitCode: null, signal: null, startTime: null, endTime: new Date(), node: null };
}
