/**
 * squeue's columns: for each `-o` code its header and how one record renders, as in Slurm 22.05's
 * src/squeue/print.c. `cut: false` marks the columns Slurm lets overflow (times, node lists).
 */
import { SLURM_LONG_STATE, SLURM_SHORT_STATE } from '../../domain/job';
import { effectiveTimeLimit, expectedEnd, type PartitionLimits, reasonText, showsReasonInsteadOfNodes, tresPerNode } from './job-facts';
import { arrayTaskText, jobIdText, type PrintedJob, secondsUsed, startOrExpected } from './printed-jobs';
import { formatMegabytes, requestedMemoryMB } from './memory';
import { formatCompactDuration } from './duration';
import { formatTimestamp } from './timestamp';

export interface SqueueContext {
  now: Date;
  limits: PartitionLimits;
}

export interface Rendered {
  text: string;
  cut: boolean;
}

export interface SqueueField {
  header: string;
  /** -O/--Format name(s), case-insensitive. */
  longNames: string[];
  /** The field reads the JobSpec (the query must then ask for `spec`). */
  needsSpec?: boolean;
  headerCut?: boolean;
  render(r: PrintedJob, ctx: SqueueContext): Rendered;
}

const cut = (text: string): Rendered => ({ text, cut: true });
const overflow = (text: string): Rendered => ({ text, cut: false });
const orNull = (v: string | null | undefined) => (v === null || v === undefined ? '(null)' : v);

function limitText(r: PrintedJob, ctx: SqueueContext, seconds: (limitMinutes: number) => number): Rendered {
  const limit = effectiveTimeLimit(r, ctx.limits);
  if (limit === null) return cut('NOT_SET');
  if (limit < 0) return cut('UNLIMITED');
  return overflow(formatCompactDuration(seconds(limit)));
}

export const SQUEUE_FIELDS: Readonly<Record<string, SqueueField>> = {
  i: { header: 'JOBID', longNames: ['JobArrayID'], render: (r) => cut(jobIdText(r)) },
  A: { header: 'JOBID', longNames: ['JobID'], render: (r) => cut(String(r.rawId)) },
  F: { header: 'ARRAY_JOB_ID', longNames: ['ArrayJobID'], render: (r) => cut(String(r.job.id)) },
  K: { header: 'ARRAY_TASK_ID', longNames: ['ArrayTaskID'], render: (r) => cut(arrayTaskText(r)) },
  a: { header: 'ACCOUNT', longNames: ['Account'], render: (r) => cut(orNull(r.job.account)) },
  j: { header: 'NAME', longNames: ['Name'], render: (r) => cut(r.job.name) },
  u: { header: 'USER', longNames: ['UserName'], render: (r) => cut(r.job.user) },
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
  R: {
    header: 'NODELIST(REASON)',
    longNames: ['ReasonList'],
    headerCut: false,
    render: (r) => (showsReasonInsteadOfNodes(r) ? cut(`(${reasonText(r)})`) : overflow(r.nodeList ?? '')),
  },
  r: { header: 'REASON', longNames: ['Reason'], render: (r) => cut(reasonText(r)) },
  N: { header: 'NODELIST', longNames: ['NodeList'], headerCut: false, render: (r) => overflow(r.nodeList ?? '') },
  V: { header: 'SUBMIT_TIME', longNames: ['SubmitTime'], render: (r) => cut(formatTimestamp(new Date(r.job.submitTime))) },
  S: { header: 'START_TIME', longNames: ['StartTime'], render: (r) => cut(((t) => (t ? formatTimestamp(t) : 'N/A'))(startOrExpected(r))) },
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
  m: {
    header: 'MIN_MEMORY',
    longNames: ['MinMemory'],
    needsSpec: true,
    render: (r) => {
      const mb = requestedMemoryMB(r.job.spec);
      return cut(mb === null ? '0' : formatMegabytes(mb));
    },
  },
  b: { header: 'TRES_PER_NODE', longNames: ['tres-per-node'], needsSpec: true, render: (r) => cut(tresPerNode(r.job.spec) ?? 'N/A') },
};

export const SQUEUE_CODES: ReadonlySet<string> = new Set(Object.keys(SQUEUE_FIELDS));

/** squeue's documented layouts. */
export const SQUEUE_DEFAULT_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R';
export const SQUEUE_LONG_FORMAT = '%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R';
