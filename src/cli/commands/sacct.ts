/**
 * `hpcg sacct`: accounting lines for jobs in a time window, in sacct's table or parsable forms. The
 * default window, fields and column widths are sacct's, so `sacct -P -n -o JobID,State` pipelines
 * keep their meaning.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { listJobs, listPartitions, whoAmI } from '../gateway-api';
import type { GatewayJobFilter, JobState } from '../gateway-types';
import { partitionLimits, type PartitionLimits } from '../format/job-facts';
import {
  type ChosenColumn,
  parseSacctFields,
  SACCT_BRIEF_FIELDS,
  SACCT_DEFAULT_FIELDS,
  SACCT_COLUMNS,
  SACCT_LONG_FIELDS,
  SacctFieldError,
} from '../format/sacct-fields';
import { renderSacctHeader, renderSacctRow, type SacctMode } from '../format/sacct-render';
import { buildSacctRows } from '../format/sacct-rows';
import { formatTimestamp } from '../format/timestamp';
import { MEMORY_UNITS, type MemoryUnit } from '../format/memory';
import { knownUids } from './known-uids';
import { groupNameLookup } from './unix-group-names';
import { clusterChoice, sacctSelectsSiteCluster } from './cluster-option';
import { JobIdSyntaxError, parseJobIdList, type JobSelector } from '../parse/job-id-list';
import { parseSlurmTime, startOfDay, TIME_SPEC_FORMS, TimeSpecError } from '../parse/slurm-time-spec';
import { parseStateList, SLURM_STATE_NAMES, StateNameError } from '../parse/state-list';
import type { ProgramParts } from '../program-parts';

export interface SacctOptions {
  jobs?: string;
  allocations?: boolean;
  noheader?: boolean;
  parsable?: boolean;
  parsable2?: boolean;
  delimiter?: string;
  format?: string;
  starttime?: string;
  endtime?: string;
  name?: string;
  user?: string;
  allusers?: boolean;
  state?: string;
  brief?: boolean;
  long?: boolean;
  partition?: string;
  accounts?: string;
  helpformat?: boolean;
  units?: string;
  verbose?: boolean;
  json?: boolean;
  clusters?: string;
}

export function registerSacct({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('sacct', 'accounting data for jobs (Slurm sacct)')
    .option('-j, --jobs <job_list>', 'only these jobs (comma list of N, N_M, N_[M-K] or N.batch)')
    .option('-X, --allocations', 'only job lines, no .batch step lines')
    .option('-n, --noheader', 'no header lines')
    .option('-p, --parsable', "'|'-delimited output with a trailing '|'")
    .option('-P, --parsable2', "'|'-delimited output without a trailing '|'")
    .option('--delimiter <characters>', 'field delimiter for -p/-P')
    .option('-o, --format <fields>', `comma list of fields, each with an optional %WIDTH (default ${SACCT_DEFAULT_FIELDS})`)
    .option('-S, --starttime <time>', 'jobs not ended before this time (default: midnight, or epoch with -j)')
    .option('-E, --endtime <time>', 'jobs submitted before this time (default: now)')
    .option('--name <jobname_list>', 'only jobs with these names')
    .option('-u, --user <user_list>', 'only jobs of these users (default: yourself)')
    .option('-a, --allusers', "every user's jobs you may see")
    .option('-s, --state <state_list>', 'only jobs in these states')
    .option('-b, --brief', `fields ${SACCT_BRIEF_FIELDS}`)
    .option('-l, --long', 'the long field list')
    .option('-r, --partition <part_list>', 'only jobs in these partitions')
    .option('-A, --accounts <account_list>', 'only jobs charged to these accounts')
    .option('-e, --helpformat', 'list the fields -o accepts')
    .option('--units <unit>', 'memory in this unit: K, M, G, T or P')
    .option('-v, --verbose', 'print the time window used on stderr')
    .option('-M, --clusters <cluster_list>', "records of these clusters: the site's name or all (others have none)")
    .option('--json', "the selected jobs as Slurm 22.05's JSON (openapi/dbv0.0.38), each with its batch step")
    .action((opts: SacctOptions) => run('sacct', () => runSacct(ctx, opts)));
}

const splitList = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

function chooseFields(opts: SacctOptions, env: NodeJS.ProcessEnv): ChosenColumn[] {
  const list = opts.format ?? (opts.long ? SACCT_LONG_FIELDS : opts.brief ? SACCT_BRIEF_FIELDS : env.SACCT_FORMAT || SACCT_DEFAULT_FIELDS);
  try {
    return parseSacctFields(list);
  } catch (err) {
    if (err instanceof SacctFieldError) throw new CommandError(`${err.message} (sacct --helpformat lists the fields)`);
    throw err;
  }
}

function chooseMode(opts: SacctOptions): SacctMode {
  if (!opts.parsable && !opts.parsable2) return { kind: 'table' };
  return { kind: 'parsable', delimiter: opts.delimiter ?? '|', trailing: !opts.parsable2 };
}

function chooseSelectors(opts: SacctOptions): JobSelector[] {
  try {
    return opts.jobs === undefined ? [] : parseJobIdList(opts.jobs);
  } catch (err) {
    if (err instanceof JobIdSyntaxError) throw new CommandError(`Bad job/step specified: ${err.text} (${err.message.replace(/^[^:]*: /, '')})`, 'fatal');
    throw err;
  }
}

function chooseStates(opts: SacctOptions): Set<JobState> | null {
  if (opts.state === undefined) return null;
  try {
    return parseStateList(opts.state);
  } catch (err) {
    if (err instanceof StateNameError) {
      throw new CommandError(`unrecognized job state value '${err.value}' (valid: ${SLURM_STATE_NAMES.join(',')})`, 'fatal');
    }
    throw err;
  }
}

function chooseUnits(opts: SacctOptions): MemoryUnit | undefined {
  if (opts.units === undefined) return undefined;
  const unit = opts.units.toUpperCase();
  if (!(MEMORY_UNITS as readonly string[]).includes(unit)) throw new CommandError(`Invalid unit for --units: "${opts.units}" (allowed: ${MEMORY_UNITS.join(', ')})`, 'fatal');
  return unit as MemoryUnit;
}

function parseTimeOption(value: string, option: string, now: Date): Date {
  try {
    return parseSlurmTime(value, now);
  } catch (err) {
    if (err instanceof TimeSpecError) throw new CommandError(`Invalid time specification for ${option}: "${value}": expected ${TIME_SPEC_FORMS}`);
    throw err;
  }
}

/** sacct's DEFAULT TIME WINDOW rules; a null start means "since the epoch". */
export function timeWindow(opts: Pick<SacctOptions, 'starttime' | 'endtime' | 'jobs' | 'state'>, now: Date): { start: Date | null; end: Date } {
  const start = opts.starttime !== undefined ? parseTimeOption(opts.starttime, '-S/--starttime', now) : opts.jobs !== undefined ? null : opts.state !== undefined ? now : startOfDay(now);
  const end = opts.endtime !== undefined ? parseTimeOption(opts.endtime, '-E/--endtime', now) : opts.state !== undefined && start ? start : now;
  if (start && start.getTime() > end.getTime()) {
    throw new CommandError(`Start time (${formatTimestamp(start)}) requested is after end time (${formatTimestamp(end)}).`);
  }
  return { start, end };
}

function helpFormat(): string {
  const names = SACCT_COLUMNS.map((f) => f.name).sort((a, b) => a.localeCompare(b));
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 4) lines.push(names.slice(i, i + 4).map((n) => n.padEnd(20)).join('').trimEnd());
  return `${lines.join('\n')}\n`;
}

export async function runSacct(ctx: CliContext, opts: SacctOptions): Promise<number> {
  const { io } = ctx;
  if (opts.helpformat) {
    io.stdout(helpFormat());
    return 0;
  }
  const fields = chooseFields(opts, io.env);
  const mode = chooseMode(opts);
  const selectors = chooseSelectors(opts);
  const states = chooseStates(opts);
  const now = io.now();
  const window = timeWindow(opts, now);
  if (opts.verbose) {
    io.stderr(`sacct: Jobs eligible from ${window.start ? formatTimestamp(window.start) : 'the epoch'} - ${formatTimestamp(window.end)}\n`);
  }

  const units = chooseUnits(opts);
  const client = ctx.client();
  // Like sacct, a job list lifts the "only my jobs" default: an administrator sees the jobs named.
  const users = opts.allusers || (opts.jobs !== undefined && opts.user === undefined) ? undefined : (splitList(opts.user) ?? [(await whoAmI(client)).username]);
  const filter: GatewayJobFilter = {
    users,
    partitions: splitList(opts.partition),
    names: splitList(opts.name),
    activeBefore: window.end.toISOString(),
  };
  if (window.start) filter.activeAfter = window.start.toISOString();
  if (selectors.length > 0) filter.ids = [...new Set(selectors.map((s) => s.jobId))];

  const accounts = splitList(opts.accounts);
  const ofSiteCluster = await sacctSelectsSiteCluster(ctx, clusterChoice(opts.clusters, io.env));
  const jobs = !ofSiteCluster ? [] : (
    await listJobs(client, filter, {
      spec: !!opts.json || fields.some((f) => f.field.needsSpec),
      events: !!opts.json || fields.some((f) => f.field.needsEvents),
    })
  ).filter((j) => !accounts || accounts.includes(j.account ?? ''));

  if (opts.json) {
    const [{ slurmJsonDocument }, { sacctJsonJob }] = await Promise.all([import('../format/slurm-json'), import('../format/sacct-json')]);
    const partitions = await listPartitions(client);
    const records = buildSacctRows(jobs, { selectors, states, allocationsOnly: true }).map((r) => r.record);
    const context = { now, limits: partitionLimits(partitions), cluster: partitions[0]?.cluster ?? '', groupName: groupNameLookup() };
    io.stdout(slurmJsonDocument('dbv0.0.38', 'jobs', records.map((r) => sacctJsonJob(r, context))));
    return 0;
  }
  const rows = buildSacctRows(jobs, { selectors, states, allocationsOnly: !!opts.allocations });
  const limits = await limitsIfNeeded(ctx, fields, rows.map((r) => r.record));
  const showsCanceller = fields.some((f) => f.field.name === 'State') && rows.some((r) => r.record.state === 'CANCELLED');
  const uids = showsCanceller ? await knownUids(client, new Set(rows.map((r) => r.record.job.user))) : new Map<string, number>();
  const context = { now, limits, units, uids, groupName: groupNameLookup() };
  const lines = opts.noheader ? [] : renderSacctHeader(fields, mode);
  for (const row of rows) lines.push(renderSacctRow(fields, row, mode, context));
  if (lines.length) io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

async function limitsIfNeeded(
  ctx: CliContext,
  fields: readonly ChosenColumn[],
  records: readonly { job: { timeLimitMinutes: number | null }; startTime: Date | null }[],
): Promise<PartitionLimits> {
  const shows = fields.some((f) => f.field.name.startsWith('Timelimit'));
  if (!shows || !records.some((r) => r.job.timeLimitMinutes === null && r.startTime)) return new Map();
  return partitionLimits(await listPartitions(ctx.client()));
}
