import type { TaskUpdate } from '../engine';
import type { JobRecord } from './job-store';
import type { EngineLogger } from '../shared/engine-logger';
import { isAlive } from './runtime/process-stamp';
import { taskDir } from './state-layout';
import { settleCancelledPending, settleLostTask } from './task-outcome';
import { classifyTask, TaskPhase } from './task-phase';
import { ExitRecord, readTaskSnapshot, TaskSnapshot } from './task-snapshot';
import { toTaskUpdate } from './task-update';

/** One status pass over one job's task directories: an update per task. */
export async function syncJobTasks(stateDir: string, record: JobRecord, host: string, logger: EngineLogger): Promise<TaskUpdate[]> {
  const jobId = record.plan.jobId;
  const now = new Date();
  const updates: TaskUpdate[] = [];
  for (const task of record.plan.tasks) {
    const dir = taskDir(stateDir, jobId, task.key);
    const snapshot = await readTaskSnapshot(dir);
    const phase = classifyTask(snapshot, now, isAlive);
    const settled = settle(dir, phase, snapshot, { jobId, arrayIndex: task.arrayIndex }, logger);
    updates.push(toTaskUpdate(jobId, task, snapshot, phase, settled, host));
  }
  return updates;
}

/** Settling here as well as in the executor makes the verdict durable even while no executor runs. */
function settle(dir: string, phase: TaskPhase, snapshot: TaskSnapshot, ids: { jobId: number; arrayIndex: number | null }, logger: EngineLogger): ExitRecord | null {
  try {
    if (phase.kind === 'lost') {
      const { exit, published } = settleLostTask(dir, snapshot, phase.reason);
      if (published) logger.warn({ ...ids, reason: phase.reason }, 'local task lost its launcher');
      return exit;
    }
    if (phase.kind === 'cancelled-pending') return settleCancelledPending(dir)?.exit ?? null;
  } catch (e) {
    logger.warn({ ...ids, err: (e as Error).message }, 'could not record the final state of a local task; reporting it anyway');
  }
  return null;
}
