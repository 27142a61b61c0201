import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { JobState } from '../../domain/job';
import type { ProcessStamp } from './runtime/process-stamp';
import F = require('./runtime/task-files');

/** The final record of a task, as the launcher (or whoever declared the task lost) published it. */
export interface ExitRecord {
  state: JobState;
  exitCode: number | null;
  signal: number | null;
  endTime: string;
  reason: string | null;
}

export interface ClaimRecord {
  claimedAt: string;
  /** `executor`: the task was started; `cancel`: it was cancelled before it could start. */
  by: 'executor' | 'cancel';
  /** Executor claims: the start attempt, whose launcher must win `launch-<attempt>` (absent in claims of older gateways). */
  attempt?: string;
  /** Executor claims: the process that claimed, so that a claim left by a dead worker is requeued soon. */
  claimer?: ProcessStamp | null;
}

/** Everything the state files of one task say, read in one pass. */
export interface TaskSnapshot {
  claim: ClaimRecord | null;
  /** The launcher's stamp: from `launcher`, or from the claimed attempt's gate while that file is not written yet. */
  launcher: ProcessStamp | null;
  /** The claimed attempt was given up (its gate taken by a requeue that did not finish removing the claim). */
  abandoned: boolean;
  job: ProcessStamp | null;
  startedAt: Date | null;
  exit: ExitRecord | null;
  cancelRequested: boolean;
  reason: string | null;
}

export const EMPTY_SNAPSHOT: TaskSnapshot = {
  claim: null,
  launcher: null,
  abandoned: false,
  job: null,
  startedAt: null,
  exit: null,
  cancelRequested: false,
  reason: null,
};

/** One readdir tells which files exist; only those are read. */
export async function readTaskSnapshot(dir: string): Promise<TaskSnapshot> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_SNAPSHOT;
    throw e;
  }
  const present = new Set(names);
  const text = async (name: string): Promise<string | null> => {
    if (!present.has(name)) return null;
    // A file can vanish between readdir and read only if someone cleans up the directory: treat it as absent.
    return fsp.readFile(join(dir, name), 'utf8').catch(() => null);
  };
  const json = async <T>(name: string): Promise<T | null> => {
    const t = await text(name);
    if (t === null || t === '') return null;
    return JSON.parse(t) as T;
  };
  // The launcher renames `start` into place before `exit`, but a readdir racing those renames can list the
  // later name without the earlier one (seen under load: a fast job reported COMPLETED with no start time
  // and no node). A finished task's files are final, so its start is read directly.
  const started = (await text(F.START)) ?? (present.has(F.EXIT) ? await fsp.readFile(join(dir, F.START), 'utf8').catch(() => null) : null);
  const claim = await json<ClaimRecord>(F.CLAIM);
  const gate = F.isAttempt(claim?.attempt) ? await json<Partial<ProcessStamp>>(F.launchGate(claim.attempt)) : null;
  const gateStamp = typeof gate?.pid === 'number' ? (gate as ProcessStamp) : null;
  return {
    claim,
    launcher: (await json<ProcessStamp>(F.LAUNCHER)) ?? gateStamp,
    abandoned: gate !== null && gateStamp === null,
    job: await json<ProcessStamp>(F.PID),
    startedAt: started ? new Date(started) : null,
    exit: await json<ExitRecord>(F.EXIT),
    cancelRequested: present.has(F.CANCEL),
    reason: (await text(F.REASON))?.trim() || null,
  };
}
