/**
 * `sacct --json`: one record per job, array task or set of pending tasks, each started one with its
 * `batch` step, in the layout of Slurm 22.05's openapi/dbv0.0.38 job parser (src/plugins/openapi/
 * dbv0.0.38/parse.c, parse_job and parse_job_step): keys in Slurm's order, null for NO_VAL and unset
 * strings. CPU times and energy, which the gateway does not gather, print as Slurm prints them on a
 * cluster without accounting gathering: zero. Slurm's own quirks are kept, since parsers expect them:
 * a normal exit is `SUCCESS` with return code 0 whatever the code, and `reservation.name` is a number.
 */
import { SLURM_LONG_STATE } from '../../domain/job';
import type { JsonCValue } from './json-c';
import { cancelledBy, effectiveTimeLimit, isPending, jobMemoryMB, type PartitionLimits, reasonText, waitStatus } from './job-facts';
import { type PrintedJob, secondsUsed } from './printed-jobs';
import { expandHostList } from './hostlist';
import { formatIndexRanges } from './index-ranges';
import { requestedMemoryMB } from './memory';
import { epoch } from './slurm-json';

export interface SacctJsonContext {
  now: Date;
  limits: PartitionLimits;
  cluster: string;
  groupName?(gid: number): string;
}

/** glibc's strsignal texts, which Slurm prints as the signal's name. */
const SIGNAL_TEXT: Readonly<Record<number, string>> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 7: 'Bus error',
  8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault', 12: 'User defined signal 2',
  13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated', 16: 'Stack fault', 17: 'Child exited', 18: 'Continued',
  19: 'Stopped (signal)', 20: 'Stopped', 21: 'Stopped (tty input)', 22: 'Stopped (tty output)', 23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded', 25: 'File size limit exceeded', 26: 'Virtual timer expired', 27: 'Profiling timer expired',
  28: 'Window changed', 29: 'I/O possible', 30: 'Power failure', 31: 'Bad system call',
};

const ZERO_TIME = { seconds: 0, microseconds: 0 };

/** _dump_job_exit_code: PENDING while unknown, SIGNALED with the signal, else SUCCESS (22.05 reports code 0). */
function exitCode(status: number | null): JsonCValue {
  if (status === null) return { status: 'PENDING', return_code: null };
  const signal = status & 0x7f;
  if (signal === 0) return { status: 'SUCCESS', return_code: 0 };
  return { status: 'SIGNALED', return_code: null, signal: { signal_id: signal, name: SIGNAL_TEXT[signal] ?? `Unknown signal ${signal}` } };
}

/** The TRES of a record as slurmdbd lists them: cpu, mem, node, and GPUs (the first TRES a site adds: id 1001). */
function tresList(r: PrintedJob, withMemory = true): JsonCValue[] {
  const entry = (type: string, name: string | null, id: number, count: number) => ({ type, name, id, count });
  const out = [entry('cpu', null, 1, r.job.cpus)];
  const mem = jobMemoryMB(r.job);
  if (withMemory && mem !== null && mem > 0) out.push(entry('mem', null, 2, mem));
  out.push(entry('node', null, 4, r.job.nodes));
  const gpus = r.job.spec?.gpus as { count?: number; per?: string } | null | undefined;
  if (gpus && typeof gpus.count === 'number') {
    const times = gpus.per === 'node' ? r.job.nodes : gpus.per === 'task' ? ((r.job.spec?.ntasks as number | null) ?? 1) : 1;
    out.push(entry('gres', 'gpu', 1001, gpus.count * times));
  }
  return out;
}

const started = (r: PrintedJob) => r.startTime !== null && !isPending(r);

/** The record's end as slurmdbd has it: 0 while it runs. */
const endOf = (r: PrintedJob) => (r.endTime ? epoch(r.endTime) : 0);

function batchStep(r: PrintedJob, now: Date): JsonCValue {
  const hosts = expandHostList(r.nodeList ?? '');
  const ended = r.endTime !== null;
  return {
    nodes: { list: hosts, count: hosts.length, range: r.nodeList ?? '' },
    tres: {
      requested: { max: [], min: [], average: [], total: [] },
      consumed: { max: [], min: [], average: [], total: [] },
      allocated: tresList(r),
    },
    time: {
      elapsed: secondsUsed(r, now),
      end: endOf(r),
      start: epoch(r.startTime),
      suspended: 0,
      system: ZERO_TIME,
      total: ZERO_TIME,
      user: ZERO_TIME,
    },
    exit_code: exitCode(ended ? waitStatus(r) : null),
    tasks: { count: (r.job.spec?.ntasks as number | null | undefined) ?? 1 },
    pid: null,
    CPU: { requested_frequency: { min: 0, max: 0 }, governor: [] },
    kill_request_user: null,
    state: SLURM_LONG_STATE[r.state],
    statistics: { CPU: { actual_frequency: 0 }, energy: { consumed: 0 } },
    step: { job_id: r.rawId, het: { component: null }, id: 'batch', name: 'batch' },
    task: { distribution: 'Unknown' },
  };
}

export function sacctJsonJob(r: PrintedJob, ctx: SacctJsonContext): JsonCValue {
  const { job } = r;
  const run = started(r);
  const limit = effectiveTimeLimit(r, ctx.limits);
  const gid = job.gid ?? null;
  const throttle = job.arrayMaxConcurrent ? `%${job.arrayMaxConcurrent}` : '';
  // The job line of a job cancelled while it ran says 0:0; its batch step carries the signal.
  const status = r.state === 'CANCELLED' ? (r.exitCode ?? 0) << 8 : waitStatus(r);
  return {
    account: job.account ?? null,
    comment: { administrator: null, job: null, system: null },
    allocation_nodes: run ? job.nodes : 0,
    array: {
      job_id: job.isArray ? job.id : 0,
      limits: { max: { running: { tasks: job.isArray ? (job.arrayMaxConcurrent ?? 0) : 0 } } },
      task: r.taskSet ? `${formatIndexRanges(r.taskSet)}${throttle}` : null,
      task_id: r.arrayIndex,
    },
    association: null,
    cluster: ctx.cluster,
    constraints: (job.spec?.constraint as string | null | undefined) ?? '',
    container: null,
    derived_exit_code: exitCode(0),
    time: {
      elapsed: secondsUsed(r, ctx.now),
      eligible: epoch(job.eligibleTime),
      end: endOf(r),
      start: run ? epoch(r.startTime) : 0,
      submission: epoch(job.submitTime),
      suspended: 0,
      system: ZERO_TIME,
      limit: limit === null || limit < 0 ? null : limit,
      total: ZERO_TIME,
      user: ZERO_TIME,
    },
    exit_code: exitCode(r.endTime ? status : run ? 0 : null),
    // The scheduler's record of how it started the job (backfill, main pass) is Slurm's alone.
    flags: [],
    group: gid === null ? null : (ctx.groupName?.(gid) ?? null),
    het: { job_id: 0, job_offset: null },
    job_id: r.rawId,
    name: job.name,
    mcs: { label: '' },
    nodes: run ? (r.nodeList ?? 'None assigned') : 'None assigned',
    partition: job.partition,
    priority: r.state === 'HELD' ? 0 : null,
    qos: (job.spec?.qos as string | null | undefined) ?? null,
    required: { CPUs: job.cpus, memory: requestedMemoryMB(job.spec) ?? 0 },
    kill_request_user: cancelledBy(r),
    reservation: { id: 0, name: 0 },
    state: { current: SLURM_LONG_STATE[r.state], reason: reasonText(r) },
    steps: run ? [batchStep(r, ctx.now)] : [],
    tres: { allocated: run ? tresList(r) : [], requested: tresList(r) },
    user: job.user,
    wckey: { wckey: '', flags: [] },
    working_directory: job.workdir,
  };
}
