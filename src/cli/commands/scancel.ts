/**
 * `hpcg scancel`: cancel (or signal) jobs by id or by filter. Silent on success like Slurm's scancel;
 * each failure is one `Kill job error on job id …` line and the exit code is 1.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { cancelJob, listJobs, whoAmI } from '../gateway-api';
import { GatewayRequestError } from '../gateway-client';
import { describeUnreachable } from '../slurm-unreachable';
import type { GatewayJob, JobState } from '../gateway-types';
import { expandJob } from '../format/printed-jobs';
import { JobIdSyntaxError, matchesSelectors, parseJobIdList, type JobSelector } from '../parse/job-id-list';
import { ACTIVE_STATES, parseStateList, StateNameError } from '../parse/state-list';
import type { ProgramParts } from '../program-parts';
import { clusterChoice, requireSiteCluster } from './cluster-option';

export interface ScancelOptions {
  name?: string;
  user?: string;
  me?: boolean;
  state?: string;
  signal?: string;
  partition?: string;
  account?: string;
  verbose?: boolean;
  clusters?: string;
}

export interface CancelTarget {
  jobId: number;
  arrayIndex: number | null;
  /** As Slurm writes it in messages: `12`, `12_3`. */
  text: string;
}

export function registerScancel({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('scancel', 'cancel or signal jobs (Slurm scancel)')
    .argument('[job_id...]', 'N, N_M or N_[M-K]; several may be given')
    .option('-n, --name <job_name>', 'only jobs with this name')
    .option('-u, --user <user_name>', 'only jobs of this user')
    .option('--me', 'only my jobs')
    .option('-t, --state <job_state>', 'only jobs in this state: PENDING, RUNNING or SUSPENDED')
    .option('-s, --signal <signal_name>', 'send this signal instead of cancelling (passed to the engine)')
    .option('-p, --partition <partition>', 'only jobs in this partition')
    .option('-A, --account <account>', 'only jobs charged to this account')
    .option('-v, --verbose', 'say what is being done')
    .option('-M, --clusters <cluster>', "the site's cluster (its name or all)")
    .action((ids: string[], opts: ScancelOptions) => run('scancel', () => runScancel(ctx, ids, opts)));
}

function parseIds(ids: readonly string[]): JobSelector[] {
  return ids.flatMap((arg) => {
    let selectors: JobSelector[];
    try {
      selectors = parseJobIdList(arg);
    } catch (err) {
      if (err instanceof JobIdSyntaxError) throw new CommandError(`Invalid job id ${err.text} (${err.message.replace(/^[^:]*: /, '')})`);
      throw err;
    }
    for (const s of selectors) {
      if (s.step !== null) throw new CommandError(`Invalid job id ${s.text}: job steps cannot be cancelled through the gateway, cancel the job`);
    }
    return selectors;
  });
}

function parseStates(state: string | undefined): Set<JobState> | null {
  if (state === undefined) return null;
  try {
    return parseStateList(state, ['PENDING', 'RUNNING', 'SUSPENDED']);
  } catch (err) {
    if (err instanceof StateNameError) {
      throw new CommandError(`Invalid job state specified: ${err.value}\nscancel: error: Valid job states are PENDING, RUNNING, and SUSPENDED`);
    }
    throw err;
  }
}

/** Explicit ids become targets as given: a whole job, or each named array task. */
export function targetsFromSelectors(selectors: readonly JobSelector[]): CancelTarget[] {
  return selectors.flatMap((s): CancelTarget[] =>
    s.arrayIndices === null
      ? [{ jobId: s.jobId, arrayIndex: null, text: String(s.jobId) }]
      : s.arrayIndices.map((i) => ({ jobId: s.jobId, arrayIndex: i, text: `${s.jobId}_${i}` })),
  );
}

/**
 * With filters, the still-active records that match become targets; an array whose active tasks all
 * match is cancelled as one job.
 */
export function targetsFromJobs(jobs: readonly GatewayJob[], selectors: readonly JobSelector[], states: ReadonlySet<JobState>): CancelTarget[] {
  const targets: CancelTarget[] = [];
  for (const job of jobs) {
    const active = expandJob(job).filter((r) => ACTIVE_STATES.includes(r.state));
    const chosen = active.filter((r) => states.has(r.state) && matchesSelectors(selectors, { jobId: job.id, arrayIndex: r.arrayIndex, rawId: r.rawId }));
    if (chosen.length === 0) continue;
    if (chosen.length === active.length) targets.push({ jobId: job.id, arrayIndex: null, text: String(job.id) });
    else for (const r of chosen) targets.push({ jobId: job.id, arrayIndex: r.arrayIndex, text: `${job.id}_${r.arrayIndex}` });
  }
  return targets;
}

function killErrorReason(err: GatewayRequestError): string {
  if (err.code === 'NOT_FOUND') return 'Invalid job id specified';
  if (err.code === 'FORBIDDEN') return 'Access/permission denied';
  return err.message;
}

export async function runScancel(ctx: CliContext, ids: string[], opts: ScancelOptions): Promise<number> {
  const { io } = ctx;
  const selectors = parseIds(ids);
  const states = parseStates(opts.state);
  const filtered = opts.name !== undefined || opts.user !== undefined || opts.me || states !== null || opts.partition !== undefined || opts.account !== undefined;
  if (selectors.length === 0 && !filtered) throw new CommandError('No job identification provided');
  await requireSiteCluster(ctx, 'scancel', clusterChoice(opts.clusters, io.env));

  const client = ctx.client();
  let targets: CancelTarget[];
  if (filtered) {
    const users = opts.me ? [(await whoAmI(client)).username] : opts.user?.split(',').filter(Boolean);
    const jobs = await listJobs(client, {
      ids: selectors.length ? [...new Set(selectors.map((s) => s.jobId))] : undefined,
      names: opts.name?.split(',').filter(Boolean),
      users,
      partitions: opts.partition?.split(',').filter(Boolean),
      states: [...ACTIVE_STATES],
    });
    const accounts = opts.account?.split(',').filter(Boolean);
    targets = targetsFromJobs(
      jobs.filter((j) => !accounts || accounts.includes(j.account ?? '')),
      selectors,
      states ?? new Set(ACTIVE_STATES),
    );
  } else {
    targets = targetsFromSelectors(selectors);
  }

  let exitCode = 0;
  for (const target of targets) {
    if (opts.verbose) {
      io.stderr(opts.signal ? `scancel: Signal ${opts.signal} to job ${target.text}\n` : `scancel: Terminating job ${target.text}\n`);
    }
    try {
      await cancelJob(client, target.jobId, target.arrayIndex, opts.signal ?? null);
    } catch (err) {
      const unreachable = describeUnreachable({ command: 'scancel-job', jobId: target.text }, err);
      if (unreachable) {
        io.stderr(unreachable.text);
        exitCode = Math.max(exitCode, unreachable.exitCode);
        continue;
      }
      if (!(err instanceof GatewayRequestError)) throw err;
      exitCode = Math.max(exitCode, 1);
      io.stderr(`scancel: error: Kill job error on job id ${target.text}: ${killErrorReason(err)}\n`);
    }
  }
  return exitCode;
}
