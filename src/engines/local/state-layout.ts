import { join } from 'node:path';
import { badInput } from '../../common/domain-error';
import F = require('./runtime/task-files');

/** Paths inside a local engine's state directory (the file names themselves live in runtime/task-files.js). */

export function jobDir(stateDir: string, jobId: number): string {
  return join(stateDir, String(jobId));
}

export function taskKey(arrayIndex: number | null): string {
  return arrayIndex === null ? F.PLAIN_TASK_KEY : String(arrayIndex);
}

export function taskDir(stateDir: string, jobId: number, key: string): string {
  return join(jobDir(stateDir, jobId), F.TASKS_DIR, key);
}

/** Job directories are named by the gateway job id; anything else in the state directory is not a job. */
export function isJobDirName(name: string): boolean {
  return /^[0-9]{1,15}$/.test(name);
}

/** A ref is the job id as text; checked so that a ref can never name a path outside the state directory. */
export function parseRef(ref: string, jobId: number): number {
  if (!isJobDirName(ref) || Number(ref) !== jobId) {
    throw badInput(`"${ref}" is not a local engine reference for job ${jobId} (expected "${jobId}")`, { field: 'ref', value: ref });
  }
  return jobId;
}
