/**
 * squeue's columns: for each field its header, its `-o` letter, its `-O` names and how one record
 * renders, as in Slurm 22.05's src/squeue/opts.c and print.c. Fields whose value the gateway cannot
 * know print what Slurm prints for an unset value (squeue-unset-fields.ts). `cut: false` marks the
 * columns Slurm lets overflow (times, node lists).
 */
import { SLURM_LONG_STATE, SLURM_SHORT_STATE } from '../../domain/job/job-state';
import { effectiveTimeLimit, expectedEnd, type PartitionLimits, reasonText, showsReasonInsteadOfNodes, tresPerNode, tresText, waitStatus } from './job-facts';
import { arrayTaskText, jobIdText, type PrintedJob, secondsUsed, startOrExpected } from './printed-jobs';
import { firstHost } from './hostlist';
import { formatMegabytes, requestedMemoryMB } from './memory';
import { formatCompactDuration, secondsBetween } from './duration';
import { formatTimestamp } from './timestamp';
import { defaultOutputPattern, expandOutputPath } from './output-path';
import { SQUEUE_UNSET_FIELDS } from './squeue-unset-fields';
import { cut, type Rendered, type SqueueContext, type SqueueField } from './squeue-field';

export type { Rendered, SqueueContext, SqueueField };

const overflow = (text: string): Rendered => ({ text, cut: false });
const orNull = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '(null)' : v);
const started = (r: PrintedJob) => r.startTime !== null && r.state !== 'PENDING' && r.state !== 'HELD';
const spec = <T>(r: PrintedJob, key: string) => r.job.spec?.[key] as T | null | undefined;
const timeOrNA = (d: Date | null | undefined) => cut(d ? formatTimestamp(d) : 'N/A');
const megabytes = (mb: number, ctx: SqueueContext) => (ctx.noConvert ? `${mb}M` : formatMegabytes(mb));

function limitText(r: PrintedJob, ctx: SqueueContext, seconds: (limitMinutes: number) => number): Rendered {
  const limit = effectiveTimeLimit(r, ctx.limits);
  if (limit === null) return cut('NOT_SET');
  if (limit < 0) return cut('UNLIMITED');
  return overflow(formatCompactDuration(seconds(limit)));
}

function outputPath(r: PrintedJob, which: 'stdoutPath' | 'stderrPath'): string {
  return expandOutputPath(r.job[which] ?? r.job.stdoutPath ?? defaultOutputPattern(r), r);
}

/** GPUs per job or per task, as sbatch --gpus / --gpus-per-task record them (`gres:gpu[:type]:N`). */
function gpusPer(r: PrintedJob, per: 'job' | 'task'): Rendered {
  const gpus = spec<{ count?: number; type?: string | null; per?: string }>(r, 'gpus');
  if (!gpus || gpus.per !== per || typeof gpus.count !== 'number') return cut('N/A');
  return cut(`gres:gpu:${gpus.type ? `${gpus.type}:` : ''}${gpus.count}`);
}

const JOB_FIELDS: Readonly<Record<string, SqueueField>> = {
  i: { header: 'JOBID', longNames: ['JobArrayID'], render: (r) => cut(jobIdText(r)) },
  A: { header: 'JOBID', longNames: ['JobID'], render: (r) => cut(String(r.rawId)) },
  F: { header: 'ARRAY_JOB_ID', longNames: ['ArrayJobID'], render: (r) => cut(String(r.job.id)) },
  K: { header: 'ARRAY_TASK_ID', longNames: ['ArrayTaskID'], render: (r) => cut(arrayTaskText(r)) },
  a: { header: 'ACCOUNT', longNames: ['Account'], render: (r) => cut(orNull(r.job.account)) },
  j: { header: 'NAME', longNames: ['Name'], render: (r) => cut(r.job.name) },
  u: { header: 'USER', longNames: ['UserName'], render: (r) => cut(r.job.user) },
  U: { header: 'UID', longNames: ['UserID'], render: (r) => cut(r.job.uid === null || r.job.uid === undefined ? 'N/A' : String(r.job.uid)) },
  G: { header: 'GROUP', longNames: ['GroupID'], render: (r) => cut(r.job.gid === null || r.job.gid === undefined ? 'N/A' : String(r.job.gid)) },
  g: {
    header: 'GROUP',
    longNames: ['GroupName'],
    render: (r, ctx) => cut(r.job.gid === null || r.job.gid === undefined ? 'nobody' : (ctx.groupName?.(r.job.gid) ?? String(r.job.gid))),
  },
  P: { header: 'PARTITION', longNames: ['Partition'], render: (r) => cut(r.job.partition) },
  t: { header: 'ST', longNames: ['StateCompact'], render: (r) => cut(SLURM_SHORT_STATE[r.state]) },
  T: { header: 'STATE', longNames: ['State'], render: (r) => cut(SLURM_LONG_STATE[r.state]) },
  M: { header: 'TIME', longNames: ['TimeUsed'], render: (r, ctx) => overflow(formatCompactDuration(secondsUsed(r, ctx.now))) },
  l: { header: 'TIME_LIMIT', longNames: ['TimeLimit'], render: (r, ctx) => limitText(r, ctx, (m) => m * 60) },
  L: {
    header: 'TIME_LEFT',
    longNames: ['TimeLeft'],
    render: (r, ctx) => limitText(r, ctx, (m) => m * 60 - secondsUsed(r, ctx.now)),
  },
  D: { header: 'NODES', longNames: ['NumNodes'], render: (r) => cut(String(r.job.nodes)) },
  C: { header: 'CPUS', longNames: ['NumCPUs'], render: (r) => cut(String(r.job.cpus)) },
  c: { header: 'MIN_CPUS', longNames: ['MinCpus'], render: (r) => cut(String(Math.ceil(r.job.cpus / Math.max(1, r.job.nodes)))) },
  R: {
    header: 'NODELIST(REASON)',
    longNames: ['ReasonList'],
    headerCut: false,
    render: (r) => (showsReasonInsteadOfNodes(r) ? cut(`(${reasonText(r)})`) : overflow(r.nodeList ?? '')),
  },
  r: { header: 'REASON', longNames: ['Reason'], render: (r) => cut(reasonText(r)) },
  N: { header: 'NODELIST', longNames: ['NodeList'], headerCut: false, render: (r) => overflow(r.nodeList ?? '') },
  // The node the batch script runs on: the allocation's first; "n/a" before there is one.
  B: { header: 'EXEC_HOST', longNames: ['BatchHost'], render: (r) => cut((started(r) && firstHost(r.nodeList)) || 'n/a') },
  V: { header: 'SUBMIT_TIME', longNames: ['SubmitTime'], render: (r) => cut(formatTimestamp(new Date(r.job.submitTime))) },
  S: { header: 'START_TIME', longNames: ['StartTime'], render: (r) => timeOrNA(startOrExpected(r)) },
  e: {
    header: 'END_TIME',
    longNames: ['EndTime'],
    render: (r, ctx) => {
      const end = expectedEnd(r, ctx.limits);
      if (end) return cut(formatTimestamp(end));
      return cut(r.startTime && effectiveTimeLimit(r, ctx.limits) === -1 ? 'NONE' : 'N/A');
    },
  },
  // The gateway does not keep the submitted script's path; Slurm prints (null) for --wrap jobs too.
  o: { header: 'COMMAND', longNames: ['Command'], render: () => cut('(null)') },
  Z: { header: 'WORK_DIR', longNames: ['WorkDir'], render: (r) => cut(r.job.workdir) },
  E: { header: 'DEPENDENCY', longNames: ['Dependency'], render: (r) => cut(orNull(r.job.dependency)) },
  k: { header: 'COMMENT', longNames: ['Comment'], render: (r) => cut(orNull(r.job.comment)) },
  f: { header: 'FEATURES', longNames: ['Feature'], needsSpec: true, render: (r) => cut(orNull(spec<string>(r, 'constraint'))) },
  q: { header: 'QOS', longNames: ['QOS'], needsSpec: true, render: (r) => cut(orNull(spec<string>(r, 'qos'))) },
  h: {
    header: 'OVER_SUBSCRIBE',
    longNames: ['OverSubscribe', 'Shared'],
    needsSpec: true,
    render: (r) => cut(spec<boolean>(r, 'exclusive') ? 'NO' : 'OK'),
  },
  m: {
    header: 'MIN_MEMORY',
    longNames: ['MinMemory'],
    needsSpec: true,
    render: (r, ctx) => {
      const mb = requestedMemoryMB(r.job.spec);
      return cut(mb === null ? '0' : megabytes(mb, ctx));
    },
  },
  b: { header: 'TRES_PER_NODE', longNames: ['tres-per-node', 'gres'], needsSpec: true, render: (r) => cut(tresPerNode(r.job.spec) ?? 'N/A') },
  accruetime: { header: 'ACCRUE_TIME', longNames: ['AccrueTime'], render: (r) => timeOrNA(r.job.eligibleTime ? new Date(r.job.eligibleTime) : null) },
  eligibletime: { header: 'ELIGIBLE_TIME', longNames: ['EligibleTime'], render: (r) => timeOrNA(r.job.eligibleTime ? new Date(r.job.eligibleTime) : null) },
  allocnodes: { header: 'ALLOC_NODES', longNames: ['AllocNodes'], render: (r) => cut(orNull(r.job.submitHost)) },
  cpuspertask: { header: 'CPUS_PER_TASK', longNames: ['CPUsPerTask', 'cpus-per-task'], needsSpec: true, render: (r) => cut(String(spec<number>(r, 'cpusPerTask') ?? 1)) },
  deadline: { header: 'DEADLINE', longNames: ['Deadline'], needsSpec: true, render: (r) => timeOrNA(spec<string>(r, 'deadline') ? new Date(spec<string>(r, 'deadline')!) : null) },
  exit_code: { header: 'EXIT_CODE', longNames: ['exit_code'], render: (r) => cut(String(waitStatus(r))) },
  maxcpus: { header: 'MAX_CPUS', longNames: ['MaxCPUs'], render: (r) => cut(String(r.job.cpus)) },
  maxnodes: { header: 'MAX_NODES', longNames: ['MaxNodes'], render: (r) => cut(String(r.job.nodes)) },
  mintime: {
    header: 'TIME_MIN',
    longNames: ['MinTime'],
    needsSpec: true,
    render: (r) => cut(formatCompactDuration((spec<number>(r, 'timeMinMinutes') ?? 0) * 60)),
  },
  ntpernode: { header: 'NTASKS_PER_NODE', longNames: ['NTPerNode'], needsSpec: true, render: (r) => cut(String(spec<number>(r, 'ntasksPerNode') ?? 0)) },
  numtasks: { header: 'TASKS', longNames: ['NumTasks', 'NumTask'], needsSpec: true, render: (r) => cut(String(spec<number>(r, 'ntasks') ?? 1)) },
  pendingtime: {
    header: 'PENDING_TIME',
    longNames: ['PendingTime'],
    render: (r, ctx) => cut(String(secondsBetween(new Date(r.job.submitTime), started(r) ? r.startTime! : ctx.now))),
  },
  requeue: { header: 'REQUEUE', longNames: ['Requeue'], needsSpec: true, render: (r) => cut(spec<boolean>(r, 'requeue') === false ? '0' : '1') },
  stderr: { header: 'STDERR', longNames: ['STDERR'], render: (r) => cut(outputPath(r, 'stderrPath')) },
  stdin: { header: 'STDIN', longNames: ['STDIN'], needsSpec: true, render: (r) => cut(spec<string>(r, 'input') ? expandOutputPath(spec<string>(r, 'input')!, r) : '/dev/null') },
  stdout: { header: 'STDOUT', longNames: ['STDOUT'], render: (r) => cut(outputPath(r, 'stdoutPath')) },
  'tres-alloc': { header: 'TRES_ALLOC', longNames: ['tres-alloc', 'tres'], needsSpec: true, render: (r) => cut(tresText(r)) },
  'tres-per-job': { header: 'TRES_PER_JOB', longNames: ['tres-per-job'], needsSpec: true, render: (r) => gpusPer(r, 'job') },
  'tres-per-task': { header: 'TRES_PER_TASK', longNames: ['tres-per-task'], needsSpec: true, render: (r) => gpusPer(r, 'task') },
};

export const SQUEUE_FIELDS: Readonly<Record<string, SqueueField>> = { ...SQUEUE_UNSET_FIELDS, ...JOB_FIELDS };

/** The `-o` letters: one-character keys. */
export const SQUEUE_CODES: ReadonlySet<string> = new Set(Object.keys(SQUEUE_FIELDS).filter((c) => c.length === 1));

/** squeue's documented layouts. */
export const SQUEUE_DEFAULT_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R';
export const SQUEUE_LONG_FORMAT = '%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R';
/** `squeue --start` (the format string in Slurm 22.05's squeue binary). */
export const SQUEUE_START_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R';
