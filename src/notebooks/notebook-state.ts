import { isTerminal } from '../domain/job';
import type { JobRow } from '../jobs/jobs.repository';
import { formatTimeValue } from '../sbatch';

/**
 * A notebook's state derived from its job (notebook contract "States"). Pure, so every rule is tested
 * directly; the registration and the readiness probe add STARTING's address and READY elsewhere.
 */

export const NOTEBOOK_STATES = ['PENDING', 'STARTING', 'READY', 'STOPPED', 'FAILED'] as const;
export type NotebookState = (typeof NOTEBOOK_STATES)[number];
export const LIVE_NOTEBOOK_STATES: readonly NotebookState[] = ['PENDING', 'STARTING', 'READY'];

export function isNotebookFinal(state: NotebookState): boolean {
  return state === 'STOPPED' || state === 'FAILED';
}

export interface NotebookFacts {
  state: NotebookState;
  reason: string | null;
  stopRequested: boolean;
  stopActor: string | null;
  startedAt: Date | null;
}

/** What the derivation reads of the notebook's job, as the job sync stored it. */
export type JobFacts = Pick<JobRow, 'id' | 'state' | 'reason' | 'exitCode' | 'signal' | 'startTime' | 'endTime' | 'timeLimitMinutes' | 'cancelledBy'>;

export interface NotebookTransition {
  from: NotebookState;
  to: NotebookState;
  reason: string | null;
  data: { startedAt?: Date; endedAt?: Date; host?: null; port?: null };
  /** False for a change within PENDING (the job's reason changed): stored, but not a transition. */
  event: boolean;
}

/** A signal says more than the exit code that goes with it (a killed job's is 0). */
function endedBy(job: JobFacts): string {
  return job.signal ? ` by signal ${job.signal}` : job.exitCode !== null ? ` with exit code ${job.exitCode}` : '';
}

/** Why a notebook that had served (or was asked to stop) ended. */
export function stopReason(nb: Pick<NotebookFacts, 'stopRequested' | 'stopActor'>, job: JobFacts): string {
  if (nb.stopRequested) return `stopped by ${nb.stopActor ?? 'request'}`;
  switch (job.state) {
    case 'TIMEOUT':
      return `maximum time reached (${job.timeLimitMinutes && job.timeLimitMinutes > 0 ? formatTimeValue(job.timeLimitMinutes) : 'time limit'})`;
    case 'COMPLETED':
      return 'the server exited (exit code 0)';
    case 'CANCELLED':
      return `job ${job.id} was cancelled${job.cancelledBy ? ` by ${job.cancelledBy}` : ''}`;
    case 'OUT_OF_MEMORY':
      return `job ${job.id} ran out of memory`;
    case 'NODE_FAIL':
      return `job ${job.id} lost its node${job.reason ? ` (${job.reason})` : ''}`;
    default:
      return `job ${job.id} ended ${job.state}${endedBy(job)}${job.reason ? ` (${job.reason})` : ''}`;
  }
}

/** Why a job that ended before its server was ready failed the notebook: its state, exit code, reason and last output lines. */
export function failureReason(job: JobFacts, outputTail: string | null): string {
  const exit = endedBy(job);
  const by = job.state === 'CANCELLED' && job.cancelledBy ? ` by ${job.cancelledBy}` : '';
  const why = job.reason ? ` (${job.reason})` : '';
  const tail = outputTail?.trim() ? `; last output: ${outputTail.trim()}` : '';
  return `job ${job.id} ended ${job.state}${exit}${by}${why} before the server started${tail}`;
}

/** Whether deriving this notebook's change needs the job's last output lines (a failure before READY). */
export function needsOutputTail(nb: NotebookFacts, job: JobFacts): boolean {
  return !isNotebookFinal(nb.state) && isTerminal(job.state) && nb.state !== 'READY' && !nb.stopRequested;
}

/** The change the job's current state makes to the notebook; null when none. */
export function deriveTransition(nb: NotebookFacts, job: JobFacts, outputTail: string | null, now: Date): NotebookTransition | null {
  if (isNotebookFinal(nb.state)) return null;
  if (isTerminal(job.state)) {
    const endedAt = job.endTime ?? now;
    if (nb.state === 'READY' || nb.stopRequested) return { from: nb.state, to: 'STOPPED', reason: stopReason(nb, job), data: { endedAt }, event: true };
    return { from: nb.state, to: 'FAILED', reason: failureReason(job, outputTail), data: { endedAt }, event: true };
  }
  if (job.state === 'RUNNING') {
    if (nb.state !== 'PENDING') return null;
    return { from: 'PENDING', to: 'STARTING', reason: null, data: { startedAt: job.startTime ?? now }, event: true };
  }
  if (job.state === 'SUSPENDED') return null;
  // PENDING or HELD: a notebook that had started was requeued by its engine; its old address is gone.
  if (nb.state !== 'PENDING') return { from: nb.state, to: 'PENDING', reason: job.reason, data: { host: null, port: null }, event: true };
  return job.reason !== nb.reason ? { from: 'PENDING', to: 'PENDING', reason: job.reason, data: {}, event: false } : null;
}

export interface MessageFacts {
  state: NotebookState;
  reason: string | null;
  partition: string;
  jobId: number;
  nodeList: string | null;
  host: string | null;
  port: number | null;
  queuePosition: number | null;
  queueLength: number | null;
  /** When the notebook's job is expected to start (issue 17), and whose estimate that is; null when unknown. */
  expectedStart?: { time: Date; by: 'engine' | 'gateway' } | null;
}

export function notebookUrl(host: string | null, port: number | null): string | null {
  if (!host || !port) return null;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One human line for progress (JupyterHub shows it while the user waits). */
export function notebookMessage(f: MessageFacts): string {
  switch (f.state) {
    case 'PENDING': {
      const position = f.queuePosition !== null ? ` (position ${f.queuePosition}${f.queueLength !== null ? ` of ${f.queueLength}` : ''})` : '';
      const start = f.expectedStart ? `; expected to start by ${f.expectedStart.time.toISOString()} (${f.expectedStart.by} estimate)` : '';
      return `Queued in partition ${f.partition}: ${f.reason ?? 'waiting'}${position}${start}`;
    }
    case 'STARTING':
      return f.host
        ? `Job ${f.jobId} running on node ${f.nodeList ?? f.host}; server registered at ${notebookUrl(f.host, f.port)}, waiting for it to answer`
        : `Job ${f.jobId} running${f.nodeList ? ` on node ${f.nodeList}` : ''}; starting the server`;
    case 'READY':
      return `Server ready at ${notebookUrl(f.host, f.port)}`;
    case 'STOPPED':
      return `Stopped: ${f.reason ?? 'the server ended'}`;
    case 'FAILED':
      return `Failed: ${f.reason ?? 'unknown reason'}`;
  }
}
