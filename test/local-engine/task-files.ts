import { join } from 'node:path';
import type { ProcessStamp } from '../../src/engines/local/runtime/process-stamp';
import { readJsonIfExists } from '../../src/engines/local/runtime/state-files';
import { taskDir } from '../../src/engines/local/state-layout';
import { waitFor } from './wait-for';

/** Waits for a task's process stamp (`pid` for the job, `launcher` for its launcher) to be recorded. */
export function recordedStamp(stateDir: string, jobId: number, key: string, file: 'pid' | 'launcher'): Promise<ProcessStamp> {
  return waitFor(`${file} of job ${jobId}/${key}`, () => (readJsonIfExists(join(taskDir(stateDir, jobId, key), file)) as ProcessStamp | null) ?? undefined);
}
