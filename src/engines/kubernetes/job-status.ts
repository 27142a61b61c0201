import type { JobState } from '../../domain/job';
import type { TaskUpdate } from '../engine';
import { ANNOTATION_ARRAY_INDICES, ANNOTATION_CANCELLED_INDICES, LABEL_COMPLETION_INDEX, LABEL_JOB_ID } from './kubernetes-names';
import { CONTAINER_NAME } from './translate-job';

/** Waiting reasons that will not resolve by waiting: the job fails at once with the reason (not after a long wait). */
const HOPELESS_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

type Obj = Record<string, any>;

/**
 * A Job and its pods as the gateway's states (DESIGN.md §2 "Job states"), one update per task: the latest
 * pod of each completion index decides. `deleted` is a Job removed before it finished: a cancel.
 */
export function jobUpdates(jobId: number, job: Obj, pods: Obj[], deleted: boolean): TaskUpdate[] {
  const annotation: string | undefined = job.metadata?.annotations?.[ANNOTATION_ARRAY_INDICES];
  const indices = annotation !== undefined ? annotation.split(',').map(Number) : null;
  const latest = new Map<number, Obj>();
  for (const pod of pods) {
    if (pod.metadata?.labels?.[LABEL_JOB_ID] !== String(jobId)) continue;
    const k = Number(pod.metadata?.labels?.[LABEL_COMPLETION_INDEX] ?? 0);
    const seen = latest.get(k);
    if (!seen || created(pod) >= created(seen)) latest.set(k, pod);
  }
  const cancelled = new Set<string>((job.metadata?.annotations?.[ANNOTATION_CANCELLED_INDICES] ?? '').split(',').filter(Boolean));
  const jobFailed = condition(job, 'Failed');
  const ended = deleted || condition(job, 'Complete') !== null || jobFailed !== null;
  return (indices ?? [null]).map((arrayIndex, k) => {
    const pod = latest.get(k) ?? null;
    const update = podUpdate(jobId, arrayIndex, pod);
    // Cancelled one by one: whatever its pod did after the cancel (killed, or skipped with exit 0) is a cancel.
    if (arrayIndex !== null && cancelled.has(String(arrayIndex))) {
      return { ...update, state: 'CANCELLED', reason: 'cancelled', exitCode: null, signal: null, endTime: update.endTime ?? new Date() };
    }
    if (update.state === 'PENDING' || update.state === 'RUNNING') {
      if (deleted) return { ...update, state: 'CANCELLED', reason: 'Job deleted in Kubernetes (cancelled)', endTime: update.endTime ?? new Date() };
      // A Job ended by its own deadline, or failed as a whole before this index ran.
      if (ended && jobFailed) return { ...update, state: jobFailed.reason === 'DeadlineExceeded' ? 'TIMEOUT' : 'FAILED', reason: jobFailed.reason ?? 'JobFailed', endTime: time(jobFailed.lastTransitionTime) ?? new Date() };
    }
    return update;
  });
}

function podUpdate(jobId: number, arrayIndex: number | null, pod: Obj | null): TaskUpdate {
  const base: TaskUpdate = { jobId, arrayIndex, state: 'PENDING', reason: 'Resources', exitCode: null, signal: null, startTime: null, endTime: null, node: null };
  if (!pod) return base;
  const status = pod.status ?? {};
  const container = (status.containerStatuses ?? []).find((c: Obj) => c.name === CONTAINER_NAME) ?? null;
  const terminated = container?.state?.terminated ?? null;
  const node = pod.spec?.nodeName ?? null;
  const startTime = time(container?.state?.running?.startedAt) ?? time(terminated?.startedAt) ?? time(status.startTime);
  const endTime = time(terminated?.finishedAt);
  const withTimes = { ...base, node, startTime };
  const waiting = container?.state?.waiting;
  if (status.phase === 'Pending') {
    if (waiting && HOPELESS_WAITING.has(waiting.reason)) return final(withTimes, 'FAILED', `${waiting.reason}: ${waiting.message ?? ''}`.trim(), null);
    return { ...withTimes, reason: waiting?.reason ?? 'Resources' };
  }
  if (status.phase === 'Running') return { ...withTimes, state: 'RUNNING', reason: null };
  if (status.phase === 'Succeeded') return { ...final(withTimes, 'COMPLETED', null, 0), endTime: endTime ?? new Date() };
  if (status.phase === 'Failed') {
    const ended = { ...withTimes, endTime: endTime ?? new Date() };
    if (status.reason === 'DeadlineExceeded') return final(ended, 'TIMEOUT', 'DeadlineExceeded', terminated?.exitCode ?? 0);
    if (terminated?.reason === 'OOMKilled') return final(ended, 'OUT_OF_MEMORY', 'OOMKilled', terminated.exitCode ?? 137);
    if (status.reason === 'Evicted' || (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'DisruptionTarget' && c.status === 'True')) {
      return final(ended, 'NODE_FAIL', status.reason ?? 'DisruptionTarget', terminated?.exitCode ?? null);
    }
    const exit = terminated?.exitCode ?? null;
    const signal = exit !== null && exit > 128 ? exit - 128 : null;
    return { ...final(ended, 'FAILED', terminated?.reason && terminated.reason !== 'Error' ? terminated.reason : 'NonZeroExitCode', signal !== null ? 0 : exit), signal };
  }
  return base;
}

function final(u: TaskUpdate, state: JobState, reason: string | null, exitCode: number | null): TaskUpdate {
  return { ...u, state, reason, exitCode, endTime: u.endTime ?? new Date() };
}

function condition(job: Obj, type: string): Obj | null {
  return (job.status?.conditions ?? []).find((c: Obj) => c.type === type && c.status === 'True') ?? null;
}

function created(o: Obj): number {
  return time(o.metadata?.creationTimestamp)?.getTime() ?? 0;
}

function time(v: unknown): Date | null {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}
