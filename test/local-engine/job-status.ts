import type { Engine, TaskUpdate } from '../../src/engines/engine';
import { isTerminal } from '../../src/domain/job';
import { waitFor } from './wait-for';

/** The current update of every task of a job. */
export async function statusOf(engine: Engine, jobId: number): Promise<TaskUpdate[]> {
  return engine.syncAll([{ jobId, ref: String(jobId), openTasks: [] }]);
}

/** Waits until every task of the job has a final state. */
export async function finalStatus(engine: Engine, jobId: number, timeoutMs = 20_000): Promise<TaskUpdate[]> {
  return waitFor(`job ${jobId} to finish`, async () => {
    const updates = await statusOf(engine, jobId);
    return updates.every((u) => isTerminal(u.state)) ? updates : undefined;
  }, timeoutMs);
}

/** Waits until the (single) task of a job is in `state`. */
export async function reachState(engine: Engine, jobId: number, state: TaskUpdate['state'], arrayIndex: number | null = null): Promise<TaskUpdate> {
  return waitFor(`job ${jobId}${arrayIndex === null ? '' : `_${arrayIndex}`} to be ${state}`, async () => {
    const update = (await statusOf(engine, jobId)).find((u) => u.arrayIndex === arrayIndex);
    return update?.state === state ? update : undefined;
  });
}
