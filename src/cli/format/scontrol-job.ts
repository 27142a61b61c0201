/**
 * `scontrol show job` records: Slurm's key=value lines in Slurm's order, three-space indented, a blank
 * line after each record (one line per record with --oneliner). Keys the gateway cannot know
 * (Priority, AllocNode:Sid, BatchHost, …) are left out rather than invented.
 */
import { SLURM_LONG_STATE } from '../../domain/job';
import { effectiveTimeLimit, expectedEnd, type PartitionLimits, reasonText, tresText } from './job-facts';
import { arrayTaskText, type PrintedJob, secondsUsed, startOrExpected } from './printed-jobs';
import { defaultOutputPattern, expandOutputPath } from './output-path';
import { formatElapsed, formatLimitMinutes } from './duration';
import { formatTimestamp } from './timestamp';

export interface ShowJobContext {
  now: Date;
  limits: PartitionLimits;
  /** Numeric uid per user name, where known (`UserId=alice(1001)`). */
  uids: ReadonlyMap<string, number>;
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

  const lines: string[][] = [
    header,
    [`UserId=${job.user}${uid === undefined ? '' : `(${uid})`}`],
    [`Account=${orNull(job.account)}`, `QOS=${orNull(specValue(r, 'qos'))}`],
    [`JobState=${SLURM_LONG_STATE[r.state]}`, `Reason=${reasonText(r)}`, `Dependency=${orNull(job.dependency)}`],
    [`Requeue=${requeue === false ? 0 : 1}`, 'BatchFlag=1', `ExitCode=${r.exitCode ?? 0}:${r.signal ?? 0}`],
    [
      `RunTime=${formatElapsed(secondsUsed(r, ctx.now))}`,
      `TimeLimit=${limit === null ? 'NOT_SET' : formatLimitMinutes(limit)}`,
      `TimeMin=${typeof timeMin === 'number' ? formatLimitMinutes(timeMin) : 'N/A'}`,
    ],
    [`SubmitTime=${formatTimestamp(new Date(job.submitTime))}`, `EligibleTime=${timestamp(job.eligibleTime ? new Date(job.eligibleTime) : null)}`],
    [`StartTime=${timestamp(start)}`, `EndTime=${timestamp(end)}`, `Deadline=${deadline ? formatTimestamp(new Date(deadline)) : 'N/A'}`],
    [`Partition=${job.partition}`, `Engine=${job.engine}`],
    [`NodeList=${r.nodeList ?? ''}`],
    [
      `NumNodes=${job.nodes}`,
      `NumCPUs=${job.cpus}`,
      `NumTasks=${specValue<number | null>(r, 'ntasks') ?? 1}`,
      `CPUs/Task=${specValue<number | null>(r, 'cpusPerTask') ?? 1}`,
    ],
    [`TRES=${tresText(r)}`],
    [`Features=${orNull(specValue(r, 'constraint'))}`],
    // The gateway does not keep the script's path; Slurm prints (null) for --wrap jobs too.
    ['Command=(null)'],
    [`WorkDir=${job.workdir}`],
  ];
  if (job.comment) lines.push([`Comment=${job.comment}`]);
  lines.push([`StdErr=${stderr}`], [`StdIn=${input ? expandOutputPath(input, r) : '/dev/null'}`], [`StdOut=${stdout}`]);
  return lines;
}

export function renderShowJob(r: PrintedJob, ctx: ShowJobContext, oneLiner: boolean): string {
  const lines = showJobLines(r, ctx).map((items) => items.join(' '));
  if (oneLiner) return `${lines.join(' ')}\n`;
  return `${lines[0]}\n${lines
    .slice(1)
    .map((l) => `   ${l}\n`)
    .join('')}\n`;
}
