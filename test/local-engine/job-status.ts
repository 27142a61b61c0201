import type { Backend, TaskUpdate } from '../../src/backends/backend';
import { isTerminal } from '../../src/domain/job';
import { waitFor } from './wait-for';

/** The current update of every task of a job. */
export async function statusOf(backend: Backend, jobId: number): Promise<TaskUpdate[]> {
  return backend.syncAll([{ jobId, ref: String(jobId), openTasks: [] }]);
}

/** Waits until every task of the job has a final state. */
export async function finalStatus(backend: Backend, jobId: number, timeoutMs = 20_000): Promise<TaskUpdate[]> {
  return waitFor(`job ${jobId} to finish`, async () => {
    const updates = await statusOf(backend, jobId);
    return updates.every((u) => isTerminal(u.state)) ? updates : undefined;
  }, timeoutMs);
}

/** Waits until the (single) task of a job is in `state`. */
export async function reachState(backend: Backend, jobId: number, state: TaskUpdate['state'], arrayIndex: number | null = null): Promise<TaskUpdate> {
  return waitFor(`job ${jobId}${arrayIndex === null ? '' : `_${arrayIndex}`} to be ${state}`, async () => {
    const update = (await statusOf(backend, jobId)).find((u) => u.arrayIndex === arrayIndex);
    return update?.state === state ? update : undefined;
  });
}
