import type { TaskUpdate } from '../engine';
import { isTerminal } from '../../domain/job';
import { mapSlurmState, slurmReason, slurmTime, splitExitCode, splitWaitStatus } from './slurm-states';

/**
 * The two status sources: squeue (every job slurmctld still holds, including those ended less than
 * MinJobAge ago, with exit codes) and sacct (the accounting record, for jobs that have left squeue).
 */

/** `squeue --Format` with `|` as each field's suffix; Comment last, since it may itself hold `|`. */
export const SQUEUE_FIELDS = ['JobID', 'ArrayJobID', 'ArrayTaskID', 'State', 'Reason', 'StartTime', 'EndTime', 'NodeList', 'exit_code', 'UserName', 'Comment'];
export const SQUEUE_ARGS = ['--noheader', '--array', '--states=all', `--Format=${SQUEUE_FIELDS.map((f) => `${f}:|`).join(',')}`];

export interface SqueueRow {
  jobIdRaw: string;
  /** The id the gateway stores as ref: the array job id, or the job id. */
  ref: string;
  arrayIndex: number | null;
  state: string;
  reason: string;
  start: string;
  end: string;
  node: string;
  exitStatus: number;
  user: string;
  comment: string;
}

export function parseSqueue(stdout: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split('|');
    if (f.length < SQUEUE_FIELDS.length) throw new Error(`unexpected squeue line: ${line}`);
    const task = f[2].trim();
    rows.push({
      jobIdRaw: f[0].trim(),
      ref: f[1].trim(),
      arrayIndex: /^\d+$/.test(task) ? Number(task) : null,
      state: f[3].trim(),
      reason: f[4].trim(),
      start: f[5],
      end: f[6],
      node: f[7].trim(),
      exitStatus: Number(f[8].trim()) || 0,
      user: f[9].trim(),
      comment: f.slice(10, f.length - 1).join('|').trim(),
    });
  }
  return rows;
}

export function squeueUpdate(jobId: number, row: SqueueRow): TaskUpdate {
  const update = taskUpdate(jobId, row, splitWaitStatus(row.exitStatus));
  // A pending job's StartTime is Slurm's own estimate of its start (the backfill scheduler's), when it has one.
  return update.state === 'PENDING' ? { ...update, expectedStart: slurmTime(row.start) } : update;
}

/** What squeue and sacct rows share, in the gateway's terms; a job not yet started has no start time. */
function taskUpdate(
  jobId: number,
  row: { jobIdRaw: string; arrayIndex: number | null; state: string; reason: string; start: string; end: string; node: string },
  exit: { exitCode: number | null; signal: number | null },
): TaskUpdate {
  const reason = slurmReason(row.reason);
  const state = mapSlurmState(row.state, reason);
  const ended = isTerminal(state);
  return {
    jobId,
    arrayIndex: row.arrayIndex,
    state,
    reason: state === 'RUNNING' ? null : reason,
    exitCode: ended ? exit.exitCode : null,
    signal: ended ? exit.signal : null,
    startTime: state === 'PENDING' || state === 'HELD' ? null : slurmTime(row.start),
    endTime: ended ? slurmTime(row.end) : null,
    node: row.node || null,
    // A pending array task has no id of its own yet (squeue shows the array's).
    engineId: state === 'PENDING' || state === 'HELD' ? null : row.jobIdRaw || null,
  };
}

/** Comment last, since it may itself hold `|`. */
export const SACCT_FIELDS = ['JobIDRaw', 'JobID', 'State', 'ExitCode', 'Start', 'End', 'NodeList', 'Reason', 'User', 'Comment'];

export interface SacctRow {
  jobIdRaw: string;
  ref: string;
  arrayIndex: number | null;
  state: string;
  exitCode: string;
  start: string;
  end: string;
  node: string;
  reason: string;
  /** The job's Slurm user name (who submitted it). */
  user: string;
  comment: string;
}

/** `sacct -n -P -X`: one allocation per line; a still-pending array range (`12_[3-5]`) has no index and is skipped. */
export function parseSacct(stdout: string): SacctRow[] {
  const rows: SacctRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split('|');
    if (f.length < SACCT_FIELDS.length) throw new Error(`unexpected sacct line: ${line}`);
    const m = /^(\d+)(?:_(\d+))?$/.exec(f[1]);
    if (!m) continue;
    rows.push({
      jobIdRaw: f[0],
      ref: m[1],
      arrayIndex: m[2] === undefined ? null : Number(m[2]),
      state: f[2],
      exitCode: f[3],
      start: f[4],
      end: f[5],
      node: f[6] === 'None assigned' ? '' : f[6],
      reason: f[7],
      user: f[8],
      comment: f.slice(9).join('|'),
    });
  }
  return rows;
}

export function sacctUpdate(jobId: number, row: SacctRow): TaskUpdate {
  return taskUpdate(jobId, row, splitExitCode(row.exitCode));
}

/**
 * `scontrol show job -o`: every job slurmctld still holds (ended ones for MinJobAge), one line each; the
 * final state and `ExitCode=code:signal` of a job that just ended, when the accounting record is not there
 * (no slurmdbd, or slurmdbd down).
 */
export const SCONTROL_JOBS_ARGS = ['show', 'job', '-o'];

export interface ScontrolJobRow {
  jobIdRaw: string;
  ref: string;
  arrayIndex: number | null;
  state: string;
  reason: string;
  exitCode: string;
  start: string;
  end: string;
  node: string;
  user: string;
}

/** The fields read, in the order scontrol prints them (JobId, ArrayJobId and ArrayTaskId come before JobName). */
const SCONTROL_FIELDS = ['UserId', 'JobState', 'Reason', 'ExitCode', 'StartTime', 'EndTime', 'NodeList'] as const;

/**
 * `Key=value` pairs separated by spaces, where JobName (and free text after the fields read here: Comment,
 * WorkDir, Command) may itself hold spaces and `Key=` words. So each field is looked for only after the
 * one before it, and the ids only before JobName: a job's name can at worst misreport that job itself.
 * scontrol writes Reason with `_` for spaces. A still-pending array range (`ArrayTaskId=3-5%1`) has no
 * task to report, and is skipped; so is "No jobs in the system".
 */
export function parseScontrolJobs(stdout: string): ScontrolJobRow[] {
  const rows: ScontrolJobRow[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const nameAt = line.indexOf(' JobName=');
    const ids = line.slice(0, nameAt === -1 ? line.length : nameAt);
    const jobIdRaw = /^JobId=(\d+)/.exec(ids)?.[1];
    const arrayJob = / ArrayJobId=(\d+)/.exec(ids)?.[1];
    const arrayTask = / ArrayTaskId=(\S+)/.exec(ids)?.[1];
    if (!jobIdRaw || nameAt === -1 || (arrayJob && !/^\d+$/.test(arrayTask ?? ''))) continue;
    const values: Partial<Record<(typeof SCONTROL_FIELDS)[number], string>> = {};
    let from = nameAt;
    for (const key of SCONTROL_FIELDS) {
      const at = line.indexOf(` ${key}=`, from);
      if (at === -1) break;
      const start = at + key.length + 2;
      const end = line.indexOf(' ', start);
      values[key] = line.slice(start, end === -1 ? line.length : end);
      from = end === -1 ? line.length : end;
    }
    if (values.JobState === undefined || values.ExitCode === undefined) throw new Error(`unexpected scontrol show job line: ${line.slice(0, 200)}`);
    rows.push({
      jobIdRaw,
      ref: arrayJob ?? jobIdRaw,
      arrayIndex: arrayJob ? Number(arrayTask) : null,
      state: values.JobState,
      reason: values.Reason ?? '',
      exitCode: values.ExitCode,
      start: values.StartTime ?? '',
      end: values.EndTime ?? '',
      node: values.NodeList === '(null)' ? '' : (values.NodeList ?? ''),
      user: (values.UserId ?? '').replace(/\(\d+\)$/, ''),
    });
  }
  return rows;
}

export function scontrolUpdate(jobId: number, row: ScontrolJobRow): TaskUpdate {
  return taskUpdate(jobId, row, splitExitCode(row.exitCode));
}
