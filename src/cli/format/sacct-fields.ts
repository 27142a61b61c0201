/**
 * sacct's fields: name, default width (negative = left-justified) and printer kind as in Slurm 22.05's
 * src/sacct/sacct.c, and the value for a job line and for its `.batch` step line. Usage metrics the
 * gateway does not collect (MaxRSS, AveCPU, …) are known names that print blank, which is what sacct
 * prints when the cluster gathers no accounting data.
 */
import { SLURM_LONG_STATE } from '../../domain/job/job-state';
import { cancelledBy, effectiveTimeLimit, type PartitionLimits, tresText } from './job-facts';
import { jobIdText, type PrintedJob, secondsUsed } from './printed-jobs';
import { firstHost } from './hostlist';
import { formatInUnit, formatMegabytes, type MemoryUnit, requestedMemoryMB } from './memory';
import { defaultOutputPattern, expandOutputPath } from './output-path';
import { formatElapsed, formatLimitMinutes } from './duration';
import { formatTimestamp } from './timestamp';

/** How Slurm's print_fields_* prints the kind: str cuts with `+`, date cuts silently, num and time overflow. */
export type SacctKind = 'str' | 'num' | 'date' | 'time';

/** One line sacct prints: a job, or its `.batch` step. */
export interface SacctOutputRow {
  record: PrintedJob;
  /** The `.batch` step line Slurm prints under every started job. */
  batch: boolean;
}

export interface SacctContext {
  now: Date;
  limits: PartitionLimits;
  /** --units: memory in this unit (`0.20G`), else Slurm's own choice of unit. */
  units?: MemoryUnit;
  /** A group name for a gid, as Slurm finds it on the client host. */
  groupName?(gid: number): string;
  /** uid per user name, where known: `CANCELLED by <uid>` names the canceller by uid, as Slurm does. */
  uids?: ReadonlyMap<string, number>;
}

/** A field `sacct -o` can print, with how it prints. */
export interface SacctColumn {
  name: string;
  width: number;
  kind: SacctKind;
  needsSpec?: boolean;
  needsEvents?: boolean;
  /** null prints blank. */
  value?(row: SacctOutputRow, ctx: SacctContext): string | null;
}

const jobOnly =
  (f: (r: PrintedJob, ctx: SacctContext) => string | null) =>
  (row: SacctOutputRow, ctx: SacctContext): string | null =>
    row.batch ? null : f(row.record, ctx);

const both = (f: (r: PrintedJob, ctx: SacctContext) => string | null) => (row: SacctOutputRow, ctx: SacctContext) => f(row.record, ctx);

const timestamp = (d: Date | null) => (d ? formatTimestamp(d) : 'Unknown');

function stateText(row: SacctOutputRow, ctx: SacctContext): string {
  const state = SLURM_LONG_STATE[row.record.state];
  const by = row.batch ? null : cancelledBy(row.record);
  if (!by) return state;
  const uid = by === row.record.job.user ? row.record.job.uid : ctx.uids?.get(by);
  return `${state} by ${uid ?? by}`;
}

/** The job line of a job cancelled while it ran says 0:0; its batch step carries the signal. */
function exitCodeText(row: SacctOutputRow): string {
  const r = row.record;
  if (!row.batch && r.state === 'CANCELLED') return `${r.exitCode ?? 0}:0`;
  return `${r.exitCode ?? 0}:${r.signal ?? 0}`;
}

const memory = (mb: number, ctx: SacctContext) => (ctx.units ? formatInUnit(mb, ctx.units) : formatMegabytes(mb));

/** A job that has not started has no limit yet when it came without --time (Slurm's Partition_Limit). */
function limitMinutes(r: PrintedJob, ctx: SacctContext): number | null {
  if (r.job.timeLimitMinutes !== null) return r.job.timeLimitMinutes;
  return r.startTime ? effectiveTimeLimit(r, ctx.limits) : null;
}

function outputPath(r: PrintedJob, which: 'stdoutPath' | 'stderrPath'): string {
  const pattern = r.job[which] ?? r.job.stdoutPath ?? defaultOutputPattern(r);
  return expandOutputPath(pattern, r);
}

const KNOWN: SacctColumn[] = [
  { name: 'Account', width: 10, kind: 'str', value: both((r) => r.job.account) },
  { name: 'AllocCPUS', width: 10, kind: 'num', value: both((r) => String(r.job.cpus)) },
  { name: 'AllocNodes', width: 10, kind: 'str', value: both((r) => (r.startTime ? String(r.job.nodes) : '0')) },
  { name: 'AllocTRES', width: 10, kind: 'str', needsSpec: true, value: both((r, ctx) => (r.startTime ? tresText(r, ctx.units) : null)) },
  { name: 'Comment', width: 14, kind: 'str', value: jobOnly((r) => r.job.comment) },
  { name: 'Constraints', width: 19, kind: 'str', needsSpec: true, value: jobOnly((r) => (r.job.spec?.constraint as string | null) ?? null) },
  { name: 'DerivedExitCode', width: 15, kind: 'str', value: jobOnly((r) => `${r.exitCode ?? 0}:${r.signal ?? 0}`) },
  { name: 'Elapsed', width: 10, kind: 'time', value: both((r, ctx) => formatElapsed(secondsUsed(r, ctx.now))) },
  { name: 'ElapsedRaw', width: 10, kind: 'num', value: both((r, ctx) => String(secondsUsed(r, ctx.now))) },
  {
    name: 'Eligible',
    width: 19,
    kind: 'date',
    value: (row) => (row.batch ? timestamp(row.record.startTime) : timestamp(row.record.job.eligibleTime ? new Date(row.record.job.eligibleTime) : null)),
  },
  { name: 'End', width: 19, kind: 'date', value: both((r) => timestamp(r.endTime)) },
  { name: 'ExitCode', width: 8, kind: 'str', value: exitCodeText },
  { name: 'GID', width: 6, kind: 'num', value: jobOnly((r) => (r.job.gid === null || r.job.gid === undefined ? null : String(r.job.gid))) },
  {
    name: 'Group',
    width: 9,
    kind: 'str',
    value: jobOnly((r, ctx) => (r.job.gid === null || r.job.gid === undefined ? null : (ctx.groupName?.(r.job.gid) ?? String(r.job.gid)))),
  },
  { name: 'JobID', width: -12, kind: 'str', value: (row) => `${jobIdText(row.record)}${row.batch ? '.batch' : ''}` },
  { name: 'JobIDRaw', width: -12, kind: 'str', value: (row) => `${row.record.rawId}${row.batch ? '.batch' : ''}` },
  { name: 'JobName', width: 10, kind: 'str', value: (row) => (row.batch ? 'batch' : row.record.job.name) },
  { name: 'NCPUS', width: 10, kind: 'num', value: both((r) => String(r.job.cpus)) },
  { name: 'NNodes', width: 8, kind: 'num', value: (row) => (row.batch ? '1' : String(row.record.job.nodes)) },
  {
    name: 'NodeList',
    width: 15,
    kind: 'str',
    value: (row) => (row.batch ? firstHost(row.record.nodeList) : row.record.nodeList || 'None assigned'),
  },
  { name: 'NTasks', width: 8, kind: 'num', value: (row) => (row.batch ? '1' : null) },
  { name: 'Partition', width: 10, kind: 'str', value: jobOnly((r) => r.job.partition) },
  { name: 'QOS', width: 10, kind: 'str', needsSpec: true, value: jobOnly((r) => (r.job.spec?.qos as string | null) ?? null) },
  {
    name: 'Reason',
    width: 22,
    kind: 'str',
    // sacct keeps the last reason "other than Priority or Resources", the scheduler's everyday waits.
    value: jobOnly((r) => (r.reason && r.reason !== 'Priority' && r.reason !== 'Resources' ? r.reason : 'None')),
  },
  { name: 'ReqCPUS', width: 8, kind: 'num', value: jobOnly((r) => String(r.job.cpus)) },
  {
    name: 'ReqMem',
    width: 10,
    kind: 'str',
    needsSpec: true,
    value: both((r, ctx) => {
      const mb = requestedMemoryMB(r.job.spec);
      return mb === null ? null : memory(mb, ctx);
    }),
  },
  { name: 'ReqNodes', width: 8, kind: 'str', value: jobOnly((r) => String(r.job.nodes)) },
  { name: 'ReqTRES', width: 10, kind: 'str', needsSpec: true, value: jobOnly((r, ctx) => tresText(r, ctx.units)) },
  { name: 'Start', width: 19, kind: 'date', value: both((r) => timestamp(r.startTime)) },
  { name: 'State', width: 10, kind: 'str', needsEvents: true, value: (row, ctx) => stateText(row, ctx) },
  { name: 'StdErr', width: 20, kind: 'str', value: jobOnly((r) => outputPath(r, 'stderrPath')) },
  { name: 'StdOut', width: 20, kind: 'str', value: jobOnly((r) => outputPath(r, 'stdoutPath')) },
  { name: 'Submit', width: 19, kind: 'date', value: (row) => (row.batch ? timestamp(row.record.startTime) : timestamp(new Date(row.record.job.submitTime))) },
  {
    name: 'Timelimit',
    width: 10,
    kind: 'str',
    value: jobOnly((r, ctx) => {
      const limit = limitMinutes(r, ctx);
      return limit === null ? 'Partition_Limit' : formatLimitMinutes(limit);
    }),
  },
  {
    name: 'TimelimitRaw',
    width: 10,
    kind: 'str',
    value: jobOnly((r, ctx) => {
      const limit = limitMinutes(r, ctx);
      if (limit === null) return 'Partition_Limit';
      return limit < 0 ? 'UNLIMITED' : String(limit);
    }),
  },
  // The gateway gathers no CPU accounting: what sacct prints when none was gathered.
  { name: 'TotalCPU', width: 10, kind: 'str', value: () => '00:00:00' },
  { name: 'UID', width: 6, kind: 'num', value: jobOnly((r) => (r.job.uid === null || r.job.uid === undefined ? null : String(r.job.uid))) },
  { name: 'User', width: 9, kind: 'str', value: jobOnly((r) => r.job.user) },
  { name: 'WorkDir', width: 20, kind: 'str', value: jobOnly((r) => r.job.workdir) },
];

/** Per-step usage sacct -l lists; the gateway has no step accounting, so they print blank. */
const USAGE: [string, number, SacctKind][] = [
  ['MaxVMSize', 10, 'str'], ['MaxVMSizeNode', 14, 'str'], ['MaxVMSizeTask', 14, 'num'], ['AveVMSize', 10, 'str'],
  ['MaxRSS', 10, 'str'], ['MaxRSSNode', 10, 'str'], ['MaxRSSTask', 10, 'num'], ['AveRSS', 10, 'str'],
  ['MaxPages', 8, 'str'], ['MaxPagesNode', 12, 'str'], ['MaxPagesTask', 14, 'num'], ['AvePages', 10, 'str'],
  ['MinCPU', 10, 'str'], ['MinCPUNode', 10, 'str'], ['MinCPUTask', 10, 'num'], ['AveCPU', 10, 'str'],
  ['AveCPUFreq', 10, 'str'], ['ReqCPUFreqMin', 13, 'str'], ['ReqCPUFreqMax', 13, 'str'], ['ReqCPUFreqGov', 13, 'str'],
  ['ConsumedEnergy', 14, 'str'], ['MaxDiskRead', 12, 'str'], ['MaxDiskReadNode', 15, 'str'], ['MaxDiskReadTask', 15, 'num'],
  ['AveDiskRead', 14, 'str'], ['MaxDiskWrite', 12, 'str'], ['MaxDiskWriteNode', 16, 'str'], ['MaxDiskWriteTask', 16, 'num'],
  ['AveDiskWrite', 14, 'str'], ['TRESUsageInAve', 14, 'str'], ['TRESUsageInMax', 14, 'str'], ['TRESUsageInMaxNode', 18, 'str'],
  ['TRESUsageInMaxTask', 18, 'str'], ['TRESUsageInMin', 14, 'str'], ['TRESUsageInMinNode', 18, 'str'], ['TRESUsageInMinTask', 18, 'str'],
  ['TRESUsageInTot', 14, 'str'], ['TRESUsageOutMax', 15, 'str'], ['TRESUsageOutMaxNode', 19, 'str'], ['TRESUsageOutMaxTask', 19, 'str'],
  ['TRESUsageOutAve', 15, 'str'], ['TRESUsageOutTot', 15, 'str'],
];

/** Every field `sacct -o` accepts, known ones first, then the usage metrics that print blank. */
export const SACCT_COLUMNS: readonly SacctColumn[] = [...KNOWN, ...USAGE.map(([name, width, kind]) => ({ name, width, kind }))];

export const SACCT_DEFAULT_FIELDS = 'JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode';
export const SACCT_BRIEF_FIELDS = 'JobID,State,ExitCode';
export const SACCT_LONG_FIELDS =
  'JobID,JobIDRaw,JobName,Partition,MaxVMSize,MaxVMSizeNode,MaxVMSizeTask,AveVMSize,MaxRSS,MaxRSSNode,MaxRSSTask,AveRSS,' +
  'MaxPages,MaxPagesNode,MaxPagesTask,AvePages,MinCPU,MinCPUNode,MinCPUTask,AveCPU,NTasks,AllocCPUS,Elapsed,State,ExitCode,' +
  'AveCPUFreq,ReqCPUFreqMin,ReqCPUFreqMax,ReqCPUFreqGov,ReqMem,ConsumedEnergy,MaxDiskRead,MaxDiskReadNode,MaxDiskReadTask,' +
  'AveDiskRead,MaxDiskWrite,MaxDiskWriteNode,MaxDiskWriteTask,AveDiskWrite,ReqTRES,AllocTRES,TRESUsageInAve,TRESUsageInMax,' +
  'TRESUsageInMaxNode,TRESUsageInMaxTask,TRESUsageInMin,TRESUsageInMinNode,TRESUsageInMinTask,TRESUsageInTot,TRESUsageOutMax,' +
  'TRESUsageOutMaxNode,TRESUsageOutMaxTask,TRESUsageOutAve,TRESUsageOutTot';

export class SacctFieldError extends Error {
  constructor(readonly field: string) {
    super(`Invalid field requested: "${field}"`);
  }
}

/** A column the user chose with `-o`: the field and the width to print it at. */
export interface ChosenColumn {
  field: SacctColumn;
  /** Column width: negative = left-justified (Slurm's convention). */
  width: number;
}

/** `-o JobID%20,jobname%-15,State`: names are case-insensitive; `%N` right-justifies, `%-N` left. */
export function parseSacctFields(list: string): ChosenColumn[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([A-Za-z_-]+)(?:%(-?\d+))?$/.exec(item);
      const field = m && SACCT_COLUMNS.find((f) => f.name.toLowerCase() === m[1].toLowerCase());
      if (!m || !field) throw new SacctFieldError(m ? m[1] : item);
      const width = m[2] === undefined || Number(m[2]) === 0 ? field.width : Number(m[2]);
      return { field, width };
    });
}
