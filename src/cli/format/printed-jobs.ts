/**
 * The rows Slurm's commands print: one per plain job, one per array task, or one for a set of array
 * tasks that have not started yet (`12_[2-5%2]`), which Slurm keeps as a single record. Every command
 * expands jobs to records first, filters, then collapses, so `-j 12_3` finds a task inside a set.
 */
import type { GatewayJob, JobState } from '../gateway-types';
import { secondsBetween } from './duration';
import { formatIndexRanges } from './index-ranges';

/** One job, array task or set of pending tasks as the Slurm commands print it. */
export interface PrintedJob {
  job: GatewayJob;
  /** The record's own job id: a task's rawId, else the job id (squeue %A, sacct JobIDRaw). */
  rawId: number;
  /** Set when the record is one array task. */
  arrayIndex: number | null;
  /** Set when the record stands for several tasks that have not started. */
  taskSet: number[] | null;
  state: JobState;
  reason: string | null;
  exitCode: number | null;
  signal: number | null;
  startTime: Date | null;
  endTime: Date | null;
  nodeList: string | null;
}

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/** When it started; for a pending job, its estimated start (Slurm's %S and StartTime show the expected start). */
export function startOrExpected(r: PrintedJob): Date | null {
  return r.startTime ?? (r.state === 'PENDING' ? toDate(r.job.estimatedStart?.time ?? null) : null);
}

export function expandJob(job: GatewayJob): PrintedJob[] {
  if (!job.isArray || job.arrayTasks.length === 0) {
    return [
      {
        job,
        rawId: job.id,
        arrayIndex: null,
        taskSet: null,
        state: job.state,
        reason: job.reason,
        exitCode: job.exitCode,
        signal: job.signal,
        startTime: toDate(job.startTime),
        endTime: toDate(job.endTime),
        nodeList: job.nodeList,
      },
    ];
  }
  return [...job.arrayTasks]
    .sort((a, b) => a.index - b.index)
    .map((task) => ({
      job,
      rawId: task.rawId,
      arrayIndex: task.index,
      taskSet: null,
      state: task.state,
      reason: task.reason,
      exitCode: task.exitCode,
      signal: task.signal,
      startTime: toDate(task.startTime),
      endTime: toDate(task.endTime),
      nodeList: task.nodeList,
    }));
}

export function expandJobs(jobs: readonly GatewayJob[]): PrintedJob[] {
  return jobs.flatMap(expandJob);
}

/**
 * Merges the tasks of each array that `groupOf` puts in the same group (null = leave alone) into one
 * record at the place of the first. A group of one stays a plain task record, as in Slurm.
 */
export function collapseTaskSets(records: readonly PrintedJob[], groupOf: (r: PrintedJob) => string | null): PrintedJob[] {
  const groups = new Map<string, PrintedJob[]>();
  for (const r of records) {
    const group = r.arrayIndex === null ? null : groupOf(r);
    if (group === null) continue;
    const key = `${r.job.id}\u0000${group}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: PrintedJob[] = [];
  const emitted = new Set<string>();
  for (const r of records) {
    const group = r.arrayIndex === null ? null : groupOf(r);
    if (group === null) {
      out.push(r);
      continue;
    }
    const key = `${r.job.id}\u0000${group}`;
    if (emitted.has(key)) continue;
    emitted.add(key);
    const members = groups.get(key)!;
    if (members.length === 1) {
      out.push(r);
      continue;
    }
    const reasons = [...new Set(members.map((m) => m.reason).filter((x): x is string => !!x))];
    out.push({
      ...r,
      rawId: r.job.id,
      arrayIndex: null,
      taskSet: members.map((m) => m.arrayIndex!),
      reason: reasons.length ? reasons.join(',') : null,
    });
  }
  return out;
}

/** squeue %i, sacct JobID: `12`, `12_3` or `12_[1-5%2]`. */
export function jobIdText(r: PrintedJob): string {
  if (r.taskSet) return `${r.job.id}_[${taskSetText(r)}]`;
  if (r.arrayIndex !== null) return `${r.job.id}_${r.arrayIndex}`;
  return String(r.job.id);
}

/** squeue %K: `N/A` for a plain job, the index for a task, `1-5%2` for a set. */
export function arrayTaskText(r: PrintedJob): string {
  if (r.taskSet) return taskSetText(r);
  if (r.arrayIndex !== null) return String(r.arrayIndex);
  return 'N/A';
}

function taskSetText(r: PrintedJob): string {
  const throttle = r.job.arrayMaxConcurrent ? `%${r.job.arrayMaxConcurrent}` : '';
  return `${formatIndexRanges(r.taskSet ?? [])}${throttle}`;
}

/** Seconds the record has run: zero before it starts, up to now while it runs, to its end after. */
export function secondsUsed(r: PrintedJob, now: Date): number {
  if (!r.startTime || r.state === 'PENDING' || r.state === 'HELD') return 0;
  return secondsBetween(r.startTime, r.endTime ?? now);
}
