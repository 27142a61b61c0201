/**
 * `hpcg scontrol`: the job subset of Slurm's scontrol: `hold`, `release` and `show job`. Errors use
 * scontrol's own words ("Invalid job id specified for job N") since scripts grep for them.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { holdJob, listJobs, listPartitions, releaseJob } from '../gateway-api';
import { knownUids } from './known-uids';
import { GatewayRequestError } from '../gateway-client';
import { describeUnreachable } from '../slurm-unreachable';
import type { GatewayJob } from '../gateway-types';
import { isPending, MIN_JOB_AGE_MS, partitionLimits } from '../format/job-facts';
import { collapseTaskSets, expandJobs } from '../format/printed-jobs';
import { renderShowJob } from '../format/scontrol-job';
import { renderShowPartition } from '../format/scontrol-partition';
import { formatTimestamp } from '../format/timestamp';
import { groupNameLookup } from './unix-group-names';
import { clusterChoice, requireSiteCluster } from './cluster-option';
import { JobIdSyntaxError, matchesSelectors, parseJobIdList, parseJobSelector, type JobSelector } from '../parse/job-id-list';
import type { ProgramParts } from '../program-parts';

export interface ScontrolOptions {
  oneliner?: boolean;
  details?: boolean;
  clusters?: string;
}

export function registerScontrol({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('scontrol', 'hold, release or show jobs (Slurm scontrol)')
    .argument('<command...>', '"hold <job_list>", "release <job_list>", "show job [<job_id>]", "show partition [<name>]" or "show config"')
    .option('-o, --oneliner', 'one line per record')
    .option('-d, --details', 'accepted for compatibility')
    .option('-M, --clusters <cluster>', "the site's cluster (its name or all)")
    .action((words: string[], opts: ScontrolOptions) => run('scontrol', () => runScontrol(ctx, words, opts)));
}

export async function runScontrol(ctx: CliContext, words: string[], opts: ScontrolOptions): Promise<number> {
  await requireSiteCluster(ctx, 'scontrol', clusterChoice(opts.clusters, ctx.io.env));
  const [verb = '', ...rest] = words;
  switch (verb.toLowerCase()) {
    case 'hold':
    case 'release':
      return holdOrRelease(ctx, verb.toLowerCase() as 'hold' | 'release', rest);
    case 'show': {
      const [entity = '', ...ids] = rest;
      const what = entity.toLowerCase();
      if (['job', 'jobs', 'jobid'].includes(what)) return showJob(ctx, ids, !!opts.oneliner);
      // scontrol accepts any unambiguous prefix of "partition" of at least "part".
      if (what.length >= 4 && 'partitions'.startsWith(what)) return showPartition(ctx, ids[0], !!opts.oneliner);
      if (what === 'config') return showConfig(ctx);
      throw new CommandError(`invalid entity:${entity} for keyword:show (the gateway shows "job [<job_id>]", "partition [<name>]" and "config")`);
    }
    default:
      throw new CommandError(`invalid keyword: ${verb} (supported: hold, release, show job, show partition, show config)`);
  }
}

async function showPartition(ctx: CliContext, name: string | undefined, oneLiner: boolean): Promise<number> {
  const partitions = (await listPartitions(ctx.client())).filter((p) => name === undefined || p.name === name);
  if (partitions.length === 0) {
    if (name === undefined) {
      ctx.io.stdout('No partitions in the system\n');
      return 0;
    }
    ctx.io.stderr(`Partition ${name} not found\n`);
    return 1;
  }
  ctx.io.stdout(partitions.map((p) => renderShowPartition(p, oneLiner)).join(''));
  return 0;
}

/**
 * `scontrol show config`: the settings the gateway has a counterpart for, in Slurm's layout. MinJobAge
 * is how long `scontrol show job` keeps showing a finished job (squeue -t all shows them for good).
 */
async function showConfig(ctx: CliContext): Promise<number> {
  const line = (key: string, value: string) => `${key.padEnd(23)} = ${value}\n`;
  ctx.io.stdout(`Configuration data as of ${formatTimestamp(ctx.io.now())}\n${line('MinJobAge', `${MIN_JOB_AGE_MS / 1000} sec`)}`);
  return 0;
}

function parseIds(args: readonly string[], verb: string): JobSelector[] {
  const selectors = args.flatMap((arg) => {
    try {
      return parseJobIdList(arg);
    } catch (err) {
      if (err instanceof JobIdSyntaxError) throw new CommandError(`Invalid job id specified: ${err.text} (${err.message.replace(/^[^:]*: /, '')})`);
      throw err;
    }
  });
  if (selectors.length === 0) throw new CommandError(`${verb} needs a job id list, e.g. "scontrol ${verb} 12,13"`);
  return selectors;
}

function holdErrorReason(err: GatewayRequestError): string {
  if (err.code === 'NOT_FOUND') return 'Invalid job id specified';
  if (err.code === 'FORBIDDEN') return 'Access/permission denied';
  return err.message;
}

async function holdOrRelease(ctx: CliContext, verb: 'hold' | 'release', args: string[]): Promise<number> {
  const selectors = parseIds(args, verb);
  const client = ctx.client();
  let failed = false;
  for (const s of selectors) {
    if (s.arrayIndices !== null || s.step !== null) {
      ctx.io.stderr(`Invalid job id specified for job ${s.text}: the gateway can ${verb} whole jobs only, use the job id ${s.jobId}\n`);
      failed = true;
      continue;
    }
    try {
      await (verb === 'hold' ? holdJob(client, s.jobId) : releaseJob(client, s.jobId));
    } catch (err) {
      const unreachable = describeUnreachable({ command: 'scontrol-update', jobId: String(s.jobId) }, err);
      if (unreachable) {
        ctx.io.stderr(unreachable.text);
        failed = true;
        continue;
      }
      if (!(err instanceof GatewayRequestError)) throw err;
      ctx.io.stderr(`${holdErrorReason(err)} for job ${s.jobId}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

async function showJob(ctx: CliContext, args: string[], oneLiner: boolean): Promise<number> {
  const { io } = ctx;
  const client = ctx.client();
  const now = io.now();
  let selectors: JobSelector[] = [];
  let jobs: GatewayJob[];
  if (args.length > 0) {
    try {
      selectors = [parseJobSelector(args[0])];
    } catch (err) {
      if (!(err instanceof JobIdSyntaxError)) throw err;
      io.stderr('scontrol_print_job error: Invalid job id specified\n');
      return 1;
    }
    jobs = await listJobs(client, { ids: [selectors[0].jobId] }, { spec: true, estimate: true });
  } else {
    jobs = await listJobs(client, { activeAfter: new Date(now.getTime() - MIN_JOB_AGE_MS).toISOString() }, { spec: true, estimate: true });
  }

  const records = collapseTaskSets(
    expandJobs(jobs.sort((a, b) => a.id - b.id)).filter((r) =>
      matchesSelectors(selectors, { jobId: r.job.id, arrayIndex: r.arrayIndex, rawId: r.rawId }),
    ),
    (r) => (isPending(r) ? 'pending' : null),
  );
  if (records.length === 0) {
    if (selectors.length > 0) {
      io.stderr('slurm_load_jobs error: Invalid job id specified\n');
      return 1;
    }
    io.stdout('No jobs in the system\n');
    return 0;
  }

  const limits = records.some((r) => r.job.timeLimitMinutes === null) ? partitionLimits(await listPartitions(client)) : new Map<string, number>();
  const uids = await knownUids(client, new Set(records.map((r) => r.job.user)));
  const groupName = groupNameLookup();
  io.stdout(records.map((r) => renderShowJob(r, { now, limits, uids, groupName }, oneLiner)).join(''));
  return 0;
}
