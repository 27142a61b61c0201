/**
 * `hpcg squeue`: jobs in the queue, laid out exactly as Slurm's squeue lays them out, so scripts that
 * cut its columns keep working.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { listJobs, listPartitions, whoAmI } from '../gateway-api';
import type { GatewayJob, GatewayJobFilter, JobState } from '../gateway-types';
import { JOB_STATES } from '../../domain/job/job-state';
import { isPending, MIN_JOB_AGE_MS, partitionLimits, type PartitionLimits } from '../format/job-facts';
import { collapseTaskSets, expandJobs, type PrintedJob } from '../format/printed-jobs';
import { SQUEUE_DEFAULT_FORMAT, SQUEUE_LONG_FORMAT, SQUEUE_START_FORMAT } from '../format/squeue-fields';
import {
  layoutFromFormat,
  layoutFromLongFormat,
  layoutNeedsSpec,
  layoutShowsStart,
  renderQueue,
  type SqueueLayout,
} from '../format/squeue-render';
import { groupNameLookup } from './unix-group-names';
import { clusterChoice, requireSiteCluster } from './cluster-option';
import { JobIdSyntaxError, matchesSelectors, parseJobIdList, type JobSelector } from '../parse/job-id-list';
import { ACTIVE_STATES, parseStateList, SLURM_STATE_NAMES, StateNameError } from '../parse/state-list';
import type { ProgramParts } from '../program-parts';

export interface SqueueOptions {
  account?: string;
  all?: boolean;
  noheader?: boolean;
  jobs?: string;
  user?: string;
  me?: boolean;
  states?: string;
  name?: string;
  partition?: string;
  format?: string;
  Format?: string;
  array?: boolean;
  long?: boolean;
  noconvert?: boolean;
  verbose?: boolean;
  json?: boolean;
  clusters?: string;
  start?: boolean;
}

export function registerSqueue({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('squeue', 'view jobs in the queue (Slurm squeue)')
    .option('-A, --account <account_list>', 'only jobs charged to these accounts (comma list)')
    .option('-a, --all', 'accepted for compatibility: every partition is always shown')
    .option('-h, --noheader', 'do not print a header')
    .option('-j, --jobs <job_id_list>', 'only these jobs (comma list of N, N_M or N_[M-K])')
    .option('-u, --user <user_list>', 'only jobs of these users (comma list)')
    .option('--me', 'only my jobs')
    .option('-t, --states <state_list>', 'only jobs in these states (compact or long names, or "all")')
    .option('-n, --name <name_list>', 'only jobs with these names (comma list)')
    .option('-p, --partition <part_list>', 'only jobs in these partitions (comma list)')
    .option('-o, --format <output_format>', `printf-style layout, default "${SQUEUE_DEFAULT_FORMAT}"`)
    .option('-O, --Format <output_format>', 'comma list of field names, e.g. "JobID,Name:30,State"')
    .option('-r, --array', 'one line per array task (no collapsing of pending tasks)')
    .option('-l, --long', 'long layout (adds the time limit and the long state)')
    .option('--noconvert', 'memory in megabytes as given, never converted to G or T')
    .option('-v, --verbose', 'accepted for compatibility')
    .option('-M, --clusters <cluster_list>', "the site's cluster (its name or all): a CLUSTER: line heads the output")
    .option('--start', 'pending jobs by expected start: --format="%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R" --sort=S --states=PENDING')
    .option('--json', "every job the controller holds, as Slurm 22.05's JSON (other options are ignored, as by Slurm)")
    .action((opts: SqueueOptions) => run('squeue', () => (opts.json ? runSqueueJson(ctx) : runSqueue(ctx, opts))));
}

const splitList = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** -o/-O, else SQUEUE_FORMAT2/SQUEUE_FORMAT (squeue's environment defaults), else -l or the default. */
function chooseLayout(opts: SqueueOptions, env: NodeJS.ProcessEnv): SqueueLayout {
  if ((opts.format !== undefined || opts.Format !== undefined) && opts.long) {
    const option = opts.format !== undefined ? '-o(--format)' : '-O(--Format)';
    throw new CommandError(`Options ${option} and -l(--long) are mutually exclusive. Please remove one and retry.`, 'fatal');
  }
  const fromEnv = !opts.long && opts.format === undefined && opts.Format === undefined;
  const longFormat = opts.Format ?? (fromEnv ? env.SQUEUE_FORMAT2 || undefined : undefined);
  if (longFormat !== undefined) return layoutFromLongFormat(longFormat);
  const format = opts.format ?? (opts.long ? SQUEUE_LONG_FORMAT : opts.start ? SQUEUE_START_FORMAT : (fromEnv && env.SQUEUE_FORMAT) || SQUEUE_DEFAULT_FORMAT);
  return layoutFromFormat(format);
}

function chooseStates(opts: SqueueOptions): Set<JobState> {
  // --start is Slurm's --states=PENDING unless states are named.
  if (opts.states === undefined) return new Set(opts.start ? ['PENDING'] : ACTIVE_STATES);
  try {
    return parseStateList(opts.states);
  } catch (err) {
    if (!(err instanceof StateNameError)) throw err;
    throw new CommandError(`Invalid job state specified: ${err.value}\nsqueue: error: Valid job states include: ${SLURM_STATE_NAMES.join(',')}`);
  }
}

function chooseSelectors(opts: SqueueOptions): JobSelector[] {
  if (opts.jobs === undefined) return [];
  try {
    return parseJobIdList(opts.jobs);
  } catch (err) {
    if (err instanceof JobIdSyntaxError) throw new CommandError(`Invalid job id: ${err.text} (${err.message.replace(/^[^:]*: /, '')})`);
    throw err;
  }
}

export async function runSqueue(ctx: CliContext, opts: SqueueOptions): Promise<number> {
  const { io } = ctx;
  const layout = chooseLayout(opts, io.env);
  for (const code of layout.unknownCodes) io.stderr(`squeue: error: Invalid job format specification: ${code}\n`);
  const states = chooseStates(opts);
  const selectors = chooseSelectors(opts);
  const cluster = await requireSiteCluster(ctx, 'squeue', clusterChoice(opts.clusters, io.env));
  const client = ctx.client();

  const users = opts.me ? [(await whoAmI(client)).username] : splitList(opts.user);
  const filter: GatewayJobFilter = { users, partitions: splitList(opts.partition), names: splitList(opts.name) };
  if (selectors.length > 0) {
    // All states, so a job id that does not exist can be told from one that has finished.
    filter.ids = [...new Set(selectors.map((s) => s.jobId))];
  } else {
    // An array's state is its tasks' aggregate: a RUNNING array can hold PENDING or finished tasks.
    filter.states = [...new Set([...states, ...ACTIVE_STATES])];
  }
  const jobs = await listJobs(client, filter, { spec: layoutNeedsSpec(layout), estimate: !!opts.start || layoutShowsStart(layout) });
  if (selectors.length === 1 && jobs.length === 0) {
    io.stderr('slurm_load_jobs error: Invalid job id specified\n');
    return 1;
  }

  const records = selectQueueRecords(jobs, { states, selectors, accounts: splitList(opts.account), array: !!opts.array });
  const limits = await limitsIfNeeded(ctx, layout, records.map((r) => r.job.timeLimitMinutes));
  const context = { now: io.now(), limits, noConvert: !!opts.noconvert, groupName: groupNameLookup() };
  if (cluster !== null && !opts.noheader) io.stdout(`CLUSTER: ${cluster}\n`);
  io.stdout(renderQueue(records, layout, context, { header: !opts.noheader, long: !!opts.long, byStart: !!opts.start }));
  return 0;
}

/**
 * `squeue --json`: like Slurm 22.05, which dumps the controller's whole job table and ignores the
 * filters: every job the caller may see that is active or ended within MinJobAge, one record per task.
 */
async function runSqueueJson(ctx: CliContext): Promise<number> {
  // Loaded only for --json: the plain layouts are what loops call, and they should not pay for it.
  const [{ slurmJsonDocument }, { squeueJsonJob }] = await Promise.all([import('../format/slurm-json'), import('../format/squeue-json')]);
  const client = ctx.client();
  const now = ctx.io.now();
  // Jobs still running or ended within MinJobAge (activeAfter keeps every job without an end).
  const jobs = await listJobs(client, { activeAfter: new Date(now.getTime() - MIN_JOB_AGE_MS).toISOString() }, { spec: true });
  const records = selectQueueRecords(jobs, { states: new Set(JOB_STATES), selectors: [], array: false });
  const partitions = await listPartitions(client);
  const context = { limits: partitionLimits(partitions), cluster: partitions[0]?.cluster ?? '', groupName: groupNameLookup() };
  ctx.io.stdout(slurmJsonDocument('v0.0.38', 'jobs', records.map((r) => squeueJsonJob(r, context))));
  return 0;
}

/** Records to show: per task, filtered by state, id and account, pending tasks folded unless -r. */
export function selectQueueRecords(
  jobs: readonly GatewayJob[],
  sel: { states: ReadonlySet<JobState>; selectors: readonly JobSelector[]; accounts?: readonly string[]; array: boolean },
): PrintedJob[] {
  const records = expandJobs(jobs).filter(
    (r) =>
      sel.states.has(r.state) &&
      matchesSelectors(sel.selectors, { jobId: r.job.id, arrayIndex: r.arrayIndex, rawId: r.rawId }) &&
      (!sel.accounts || sel.accounts.includes(r.job.account ?? '')),
  );
  return sel.array ? records : collapseTaskSets(records, (r) => (isPending(r) ? 'pending' : null));
}

/** Jobs submitted without --time run under their partition's limit: fetch it only when it is shown. */
async function limitsIfNeeded(ctx: CliContext, layout: SqueueLayout, jobLimits: (number | null)[]): Promise<PartitionLimits> {
  const showsLimit = layout.tokens.some((t) => t.kind === 'field' && 'lLe'.includes(t.code));
  if (!showsLimit || !jobLimits.some((l) => l === null)) return new Map();
  return partitionLimits(await listPartitions(ctx.client()));
}

