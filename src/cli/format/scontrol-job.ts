/**
 * `scontrol show job` records: Slurm's key=value lines in Slurm's order, three-space indented, a blank
 * line after each record (one line per record with --oneliner). Keys whose value the gateway cannot
 * know print what Slurm prints when they are unset.
 */
import { SLURM_LONG_STATE } from '../../domain/job/job-state';
import { effectiveTimeLimit, expectedEnd, type PartitionLimits, reasonText, tresText } from './job-facts';
import { arrayTaskText, type PrintedJob, secondsUsed, startOrExpected } from './printed-jobs';
import { defaultOutputPattern, expandOutputPath } from './output-path';
import { formatElapsed, formatLimitMinutes } from './duration';
import { formatTimestamp } from './timestamp';
import { firstHost } from './hostlist';
import { formatMegabytes } from './memory';

export interface ShowJobContext {
  now: Date;
  limits: PartitionLimits;
  /** Numeric uid per user name, where known (`UserId=alice(1001)`). */
  uids: ReadonlyMap<string, number>;
  /** A group name for a gid, as Slurm finds it on the client host. */
  groupName?(gid: number): string;
}

const orNull = (v: unknown) => (v === null || v === undefined || v === '' ? '(null)' : String(v));
const timestamp = (d: Date | null, missing = 'Unknown') => (d ? formatTimestamp(d) : missing);

function specValue<T>(r: PrintedJob, key: string): T | undefined {
  return r.job.spec?.[key] as T | undefined;
}

export function showJobLines(r: PrintedJob, ctx: ShowJobContext): string[][] {
  const { job } = r;
  const header = [`JobId=${r.rawId}`];
  if (job.isArray && (r.arrayIndex !== null || r.taskSet)) {
    header.push(`ArrayJobId=${job.id}`, `ArrayTaskId=${arrayTaskText(r)}`);
    if (job.arrayMaxConcurrent) header.push(`ArrayTaskThrottle=${job.arrayMaxConcurrent}`);
  }
  header.push(`JobName=${job.name}`);

  const uid = ctx.uids.get(job.user);
  const limit = effectiveTimeLimit(r, ctx.limits);
  const timeMin = specValue<number | null>(r, 'timeMinMinutes');
  const deadline = specValue<string | null>(r, 'deadline');
  const pending = r.state === 'PENDING' || r.state === 'HELD';
  const start = startOrExpected(r);
  const end = pending ? null : expectedEnd(r, ctx.limits);
  const stdout = expandOutputPath(job.stdoutPath ?? defaultOutputPattern(r), r);
  const stderr = job.stderrPath ? expandOutputPath(job.stderrPath, r) : stdout;
  const input = specValue<string | null>(r, 'input');
  const requeue = specValue<boolean | null>(r, 'requeue');

  const gid = job.gid ?? null;
  const cpusPerNode = Math.ceil(job.cpus / Math.max(1, job.nodes));
  const held = r.state === 'HELD' || /^JobHeld/.test(r.reason ?? '');
  const lines: string[][] = [
    header,
    [
      `UserId=${job.user}${uid === undefined ? '' : `(${uid})`}`,
      `GroupId=${gid === null ? 'nobody' : `${ctx.groupName?.(gid) ?? gid}(${gid})`}`,
      'MCS_label=N/A',
    ],
    // The gateway orders its own queue and has no Slurm priority: 0 (held) or N/A.
    [`Priority=${held ? 0 : 'N/A'}`, 'Nice=0', `Account=${orNull(job.account)}`, `QOS=${orNull(specValue(r, 'qos'))}`],
    [`JobState=${SLURM_LONG_STATE[r.state]}`, `Reason=${reasonText(r)}`, `Dependency=${orNull(job.dependency)}`],
    [`Requeue=${requeue === false ? 0 : 1}`, 'Restarts=0', 'BatchFlag=1', 'Reboot=0', `ExitCode=${r.exitCode ?? 0}:${r.signal ?? 0}`],
    [
      `RunTime=${formatElapsed(secondsUsed(r, ctx.now))}`,
      `TimeLimit=${limit === null ? 'NOT_SET' : formatLimitMinutes(limit)}`,
      `TimeMin=${typeof timeMin === 'number' ? formatLimitMinutes(timeMin) : 'N/A'}`,
    ],
    [`SubmitTime=${formatTimestamp(new Date(job.submitTime))}`, `EligibleTime=${timestamp(job.eligibleTime ? new Date(job.eligibleTime) : null)}`],
    [`AccrueTime=${timestamp(job.eligibleTime ? new Date(job.eligibleTime) : null)}`],
    [`StartTime=${timestamp(start)}`, `EndTime=${timestamp(end)}`, `Deadline=${deadline ? formatTimestamp(new Date(deadline)) : 'N/A'}`],
    ['SuspendTime=None', 'SecsPreSuspend=0', 'LastSchedEval=Unknown', 'Scheduler=Main'],
    [`Partition=${job.partition}`, `AllocNode:Sid=${job.submitHost ?? '(null)'}:0`],
    ['ReqNodeList=(null)', 'ExcNodeList=(null)'],
    [`NodeList=${r.nodeList ?? ''}`],
    ...(start && r.nodeList ? [[`BatchHost=${firstHost(r.nodeList)}`]] : []),
    [
      `NumNodes=${job.nodes}`,
      `NumCPUs=${job.cpus}`,
      `NumTasks=${specValue<number | null>(r, 'ntasks') ?? 1}`,
      `CPUs/Task=${specValue<number | null>(r, 'cpusPerTask') ?? 1}`,
      'ReqB:S:C:T=0:0:*:*',
    ],
    [`TRES=${tresText(r)}`],
    ['Socks/Node=*', `NtasksPerN:B:S:C=${specValue<number | null>(r, 'ntasksPerNode') ?? 0}:0:*:*`, 'CoreSpec=*'],
    [`MinCPUsNode=${cpusPerNode}`, minMemory(r), 'MinTmpDiskNode=0'],
    [`Features=${orNull(specValue(r, 'constraint'))}`, 'DelayBoot=00:00:00'],
    [`OverSubscribe=${specValue<boolean>(r, 'exclusive') ? 'NO' : 'OK'}`, 'Contiguous=0', 'Licenses=(null)', 'Network=(null)'],
    // The gateway does not keep the script's path; Slurm prints (null) for --wrap jobs too.
    ['Command=(null)'],
    [`WorkDir=${job.workdir}`],
  ];
  if (job.comment) lines.push([`Comment=${job.comment}`]);
  lines.push([`StdErr=${stderr}`], [`StdIn=${input ? expandOutputPath(input, r) : '/dev/null'}`], [`StdOut=${stdout}`], ['Power=']);
  return lines;
}

/** MinMemoryNode / MinMemoryCPU: what the job asked for, per node or per CPU (0 when it asked for none). */
function minMemory(r: PrintedJob): string {
  const perCpu = specValue<number | null>(r, 'memPerCpuMB');
  if (typeof perCpu === 'number') return `MinMemoryCPU=${formatMegabytes(perCpu)}`;
  const perNode = specValue<number | null>(r, 'memPerNodeMB');
  return `MinMemoryNode=${typeof perNode === 'number' ? formatMegabytes(perNode) : '0'}`;
}

export function renderShowJob(r: PrintedJob, ctx: ShowJobContext, oneLiner: boolean): string {
  const lines = showJobLines(r, ctx).map((items) => items.join(' '));
  if (oneLiner) return `${lines.join(' ')} \n`;
  return `${lines[0]}\n${lines
    .slice(1)
    .map((l) => `   ${l}\n`)
    .join('')}   \n\n`;
}
