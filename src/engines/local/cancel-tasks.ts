import type { JobRecord } from './job-store';
import { signalStamped } from './runtime/process-stamp';
import { taskDir } from './state-layout';
import { markCancelRequested, settleCancelledPending } from './task-outcome';
import { tasksNamed } from './task-selection';
import { readTaskSnapshot } from './task-snapshot';

/**
 * scancel for the local engine: the marker is written first, then a pending task is settled as
 * CANCELLED on the spot and a running one has its launcher signalled (it terminates the job's process
 * group and records CANCELLED). Finished tasks are left as they are.
 */
export async function cancelTasks(stateDir: string, record: JobRecord, arrayIndex: number | null): Promise<void> {
  for (const task of tasksNamed(record, arrayIndex)) await cancelTask(taskDir(stateDir, record.plan.jobId, task.key));
}

async function cancelTask(dir: string): Promise<void> {
  const before = await readTaskSnapshot(dir);
  if (before.exit) return;
  // Marker before the claim check: a launcher starting right now either sees the marker or has its stamp on disk for us.
  markCancelRequested(dir);
  if (!before.claim && settleCancelledPending(dir)) return;
  const now = await readTaskSnapshot(dir);
  // Without the right to signal (another user's API process), the executor delivers the SIGTERM on its next pass.
  if (!now.exit && now.launcher) signalStamped(now.launcher, 'SIGTERM');
}
