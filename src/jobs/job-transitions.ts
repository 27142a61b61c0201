import type { TaskUpdate } from '../engines/engine';
import { JobState, isTerminal } from '../domain/job';
import type { JobChange, JobRow, TaskRow } from './jobs.repository';

/**
 * Turns what an engine reports into the changes to store: only what differs, one event per state
 * change, and an array job's own state derived from its tasks. Pure, so it is tested directly.
 */

type Observed = Pick<TaskUpdate, 'state' | 'reason' | 'exitCode' | 'signal' | 'startTime' | 'endTime' | 'node' | 'engineId'>;

/** Worst outcome first: the array job's state when not every task completed. */
const FINAL_SEVERITY: JobState[] = ['NODE_FAIL', 'OUT_OF_MEMORY', 'TIMEOUT', 'FAILED', 'CANCELLED', 'COMPLETED'];

export function aggregateTaskStates(tasks: Pick<TaskRow, 'state' | 'reason' | 'exitCode' | 'signal' | 'startTime' | 'endTime' | 'nodeList'>[]) {
  const states = tasks.map((t) => t.state);
  const starts = tasks.map((t) => t.startTime).filter((d): d is Date => !!d);
  const ends = tasks.map((t) => t.endTime).filter((d): d is Date => !!d);
  const exitCodes = tasks.map((t) => t.exitCode).filter((c): c is number => c !== null);
  const startTime = starts.length ? new Date(Math.min(...starts.map((d) => d.getTime()))) : null;
  const running = tasks.filter((t) => t.state === 'RUNNING');
  if (states.every(isTerminal)) {
    const state = FINAL_SEVERITY.find((s) => states.includes(s)) ?? 'COMPLETED';
    return {
      state,
      reason: null,
      exitCode: exitCodes.length ? Math.max(...exitCodes) : null,
      signal: tasks.find((t) => t.signal)?.signal ?? null,
      startTime,
      endTime: ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null,
      nodeList: tasks.find((t) => t.nodeList)?.nodeList ?? null,
    };
  }
  const state: JobState = running.length ? 'RUNNING' : states.includes('SUSPENDED') ? 'SUSPENDED' : states.includes('HELD') && !states.includes('PENDING') ? 'HELD' : 'PENDING';
  const pendingReason = tasks.find((t) => t.state === 'PENDING')?.reason ?? null;
  return {
    state,
    reason: state === 'RUNNING' ? null : pendingReason,
    exitCode: null,
    signal: null,
    startTime,
    endTime: null,
    nodeList: running.find((t) => t.nodeList)?.nodeList ?? null,
  };
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/** Fields of a row that differ from an observation (a finished row never goes back). */
function diff(row: { state: JobState; reason: string | null; exitCode: number | null; signal: number | null; startTime: Date | null; endTime: Date | null; nodeList: string | null }, seen: Observed) {
  if (isTerminal(row.state)) return null;
  const next = {
    state: seen.state,
    reason: isTerminal(seen.state) || seen.state === 'RUNNING' ? (seen.reason ?? null) : (seen.reason ?? row.reason),
    exitCode: seen.exitCode ?? row.exitCode,
    signal: seen.signal ?? row.signal,
    startTime: seen.startTime ?? row.startTime,
    endTime: seen.endTime ?? row.endTime,
    nodeList: seen.node ?? row.nodeList,
  };
  if (isTerminal(next.state) && !next.endTime) next.endTime = new Date();
  if (next.state === 'RUNNING' && !next.startTime) next.startTime = new Date();
  const changed =
    next.state !== row.state ||
    next.reason !== row.reason ||
    next.exitCode !== row.exitCode ||
    next.signal !== row.signal ||
    next.nodeList !== row.nodeList ||
    !sameTime(next.startTime, row.startTime) ||
    !sameTime(next.endTime, row.endTime);
  return changed ? next : null;
}

/** A task's own engine id, kept once seen: its output file is named after it (`%j`). */
function withEngineId<T extends object>(task: { engineId: string | null }, seen: Observed, next: T | null): (T & { engineId?: string }) | null {
  const engineId = seen.engineId ?? null;
  if (!engineId || engineId === task.engineId) return next;
  return { ...(next ?? ({} as T)), engineId };
}

/** The engine's estimate of the job's start: its own, or its earliest pending task's; undefined when the engine gives none. */
function engineEstimate(updates: TaskUpdate[]): Date | null | undefined {
  const given = updates.filter((u) => u.expectedStart !== undefined);
  if (given.length === 0) return undefined;
  const times = given.map((u) => u.expectedStart?.getTime()).filter((t): t is number => t !== undefined);
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The change a batch of observations makes to one job (state, tasks, the engine's start estimate), or null when nothing changed. */
export function planJobChange(job: JobRow, updates: TaskUpdate[], actor: string): JobChange | null {
  const change = planStateChange(job, updates, actor);
  const estimate = engineEstimate(updates);
  if (estimate === undefined || sameTime(estimate, job.estStartTime)) return change;
  const planned = change ?? { jobId: job.id };
  return { ...planned, job: { ...planned.job, estStartTime: estimate } };
}

function planStateChange(job: JobRow, updates: TaskUpdate[], actor: string): JobChange | null {
  const change: Required<Pick<JobChange, 'tasks' | 'events'>> & JobChange = { jobId: job.id, tasks: [], events: [] };
  if (job.tasks.length === 0) {
    const seen = updates.find((u) => u.arrayIndex === null);
    const next = seen && diff(job, seen);
    if (!next) return null;
    change.job = next;
    if (next.state !== job.state) change.events.push({ arrayIndex: null, fromState: job.state, toState: next.state, reason: next.reason, actor });
    return change;
  }
  const byIndex = new Map(updates.filter((u) => u.arrayIndex !== null).map((u) => [u.arrayIndex as number, u]));
  const tasks = job.tasks.map((task) => {
    const seen = byIndex.get(task.index);
    const next = seen && withEngineId(task, seen, diff(task, seen));
    if (!next) return task;
    change.tasks.push({ index: task.index, data: next });
    if (next.state !== task.state) change.events.push({ arrayIndex: task.index, fromState: task.state, toState: next.state, reason: next.reason, actor });
    return { ...task, ...next };
  });
  if (change.tasks.length === 0) return null;
  const agg = aggregateTaskStates(tasks);
  change.job = agg;
  if (agg.state !== job.state) change.events.push({ arrayIndex: null, fromState: job.state, toState: agg.state, reason: agg.reason, actor });
  return change;
}
