import type { SecurityConfig } from '../../config/security-config.schema';
import { assertUnixIdentity, DEFAULT_SECURITY, userWording } from '../../users/unix-identity';
import { posix } from 'node:path';
import { badInput, notFound } from '../../common/domain-error';
import type { Engine, EngineHealth, EngineJob, LiveJobRef, TaggedJob, OutputChunk, OutputRequest, PartitionCapacity, TaskUpdate } from '../engine';
import { EngineRefusedError, EngineUnavailableError, translatedOrRefused } from '../engine-errors';
import type { CommandRequest, CommandResult, CommandRunner } from '../command-runner/command-runner';
import { ownerReadResult, readOutputFile, runEngineCommand } from '../command-runner/engine-commands';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, resolveOutputPath } from '../shared/filename-pattern';
import type { EngineLogger } from '../shared/engine-logger';
import { CommandContext, ownerCommand } from '../command-runner/owner-command';
import type { SubmitAs } from '../command-runner/owner-command';
import { adUpdate, CondorJobAd, heldForWalltime, parseJobAds, siteConstraint, STATUS_ATTRIBUTES } from './htcondor-status';
import type { HtcondorPartition } from './htcondor-partition';
import { adoptTagged, RunnerIdentity } from '../reconcile-tag';
import { CondorSubmitPlan, INDEX_ATTRIBUTE, NONCE_ATTRIBUTE, TAG_ATTRIBUTE, translateJob } from './translate-job';
import { classAdString } from './submit-language';

export interface HtcondorEngineOptions {
  name: string;
  runner: CommandRunner;
  submitAs: SubmitAs;
  /** Folder of condor_submit, condor_q, condor_history, condor_rm on the submit node. */
  binDir: string;
  /** `-name` of a schedd other than the submit node's own; null = the local schedd. */
  schedd: string | null;
  stageDir: string;
  requeueRetries: number;
  /** condor_history reads back this many days at most; default 7. */
  historyWindowDays?: number;
  partitions: Map<string, HtcondorPartition>;
  /** The gateway's site name, carried by every job as GatewaySite. */
  site: string;
  clusterName: string;
  logger: EngineLogger;
  /** The site's `security` section (minUid/minGid): no job is handed to the engine for an owner below it. */
  security?: SecurityConfig;
}

type CondorTool = 'condor_submit' | 'condor_q' | 'condor_history' | 'condor_rm';

/** What HTCondor's tools print when the schedd cannot be reached: retry later, never fail the job. */
const UNAVAILABLE = /Can't find address|Failed to connect|Failed to fetch ads|connect to schedd|SECMAN|Connection refused|timed out|No route to host/i;
/** condor_rm of a job no longer in the queue: nothing left to cancel. */
const ALREADY_GONE = /Couldn't find\/remove all jobs/;

/** Stages the script (from stdin) in a folder only its owner can read; the paths come as arguments, never in the program text. */
const STAGE_SCRIPT = 'umask 077 && mkdir -p -- "$1" && cat > "$2" && chmod 700 -- "$2"';

/**
 * An HTCondor pool as an engine (DESIGN.md §2): condor_submit / condor_q / condor_history / condor_rm
 * through a CommandRunner (this host, or a submit node over SSH). Jobs are submitted as their owner and
 * carry GatewayJobId, GatewayNonce and GatewaySite; status costs ONE condor_q for every job of the site per pass,
 * plus one condor_history for those that already left the queue.
 */
export class HtcondorEngine implements Engine {
  readonly kind = 'htcondor';
  readonly name: string;
  private readonly ctx: CommandContext;
  private readonly runnerIdentity: RunnerIdentity;

  constructor(private readonly opts: HtcondorEngineOptions) {
    this.name = opts.name;
    this.ctx = { submitAs: opts.submitAs, fixedEnv: {}, binDir: opts.binDir };
    this.runnerIdentity = new RunnerIdentity(opts.runner, opts.name);
  }

  translate(job: EngineJob): CondorSubmitPlan {
    return this.plan(job, false);
  }

  async submit(job: EngineJob): Promise<string> {
    const plan = translatedOrRefused(this.name, job.id, () => this.plan(job, true));
    const staged = await this.run(ownerCommand(this.ctx, job.owner, '/bin/sh', ['-c', STAGE_SCRIPT, 'stage', plan.stageDir, posix.join(plan.stageDir, 'script')], {}, plan.script), 'staging');
    // Not HTCondor's verdict on the job (the owner's folder, the file system): retried, never a refusal.
    if (staged.code !== 0) throw new EngineUnavailableError(this.name, `cannot stage the script of job ${job.id} in ${plan.stageDir}: ${staged.stderr.trim() || `exit ${staged.code}`}`, { jobId: job.id });
    const r = await this.run(ownerCommand(this.ctx, job.owner, this.tool('condor_submit'), ['-terse', ...this.scheddArgs(), '-'], {}, plan.description), 'condor_submit');
    if (r.code !== 0) {
      const why = `${r.stderr.trim()} ${r.stdout.trim()}`.trim();
      if (UNAVAILABLE.test(why)) throw new EngineUnavailableError(this.name, why, { jobId: job.id });
      throw new EngineRefusedError(this.name, `HTCondor refused job ${job.id} on engine ${this.name}: ${why || `condor_submit exited with ${r.code}`}`, { jobId: job.id });
    }
    // -terse prints the first and last job id of the cluster: `123.0 - 123.2`.
    const cluster = /^(\d+)\.\d+ - \d+\.\d+$/m.exec(r.stdout)?.[1];
    if (!cluster) throw new EngineUnavailableError(this.name, `condor_submit printed no job id for job ${job.id}: ${r.stdout.trim()} ${r.stderr.trim()}`, { jobId: job.id });
    this.opts.logger.info({ jobId: job.id, clusterId: cluster, owner: job.owner.username }, 'job submitted to HTCondor');
    return cluster;
  }

  /**
   * Adopts a queued or past cluster only if it carries this job's GatewayNonce AND the schedd's `Owner`
   * (set by the schedd from the authenticated submitter; a `+Owner` cannot change it) is the expected
   * owner: the job's owner, or the runner's own user in `submitAs: service` mode.
   */
  async findByTag(job: TaggedJob): Promise<string | null> {
    const expectedOwner = this.opts.submitAs === 'service' ? await this.runnerIdentity.username() : job.owner.username;
    const adopt = (ads: CondorJobAd[]) =>
      adoptTagged(
        job,
        ads.filter((ad) => ad.GatewayJobId === job.id).map((ad) => ({ ref: String(ad.ClusterId), nonce: typeof ad.GatewayNonce === 'string' ? ad.GatewayNonce : null, owner: ad.Owner ?? '' })),
        { engine: this.name, expectedOwner, logger: this.opts.logger },
      );
    // The queue: every cluster claiming the id, not only those with the nonce, so the others are logged as forgeries.
    const live = adopt(await this.ads('condor_q', siteConstraint(this.opts.site, `${TAG_ATTRIBUTE} == ${job.id}`)));
    if (live) return live;
    // The history is only ever searched for the job's own cluster: forged entries there must not push it past -limit.
    const own = `${TAG_ATTRIBUTE} == ${job.id} && ${NONCE_ATTRIBUTE} == ${classAdString(job.nonce)} && Owner == ${classAdString(expectedOwner)}`;
    // Nothing that left the queue before the gateway accepted the job can be it; a day's margin covers the schedd's clock.
    const since = Math.floor(((job.submittedAt?.getTime() ?? Date.now() - (this.opts.historyWindowDays ?? 7) * 86400_000) - 86400_000) / 1000);
    return adopt(await this.ads('condor_history', siteConstraint(this.opts.site, own), ['-limit', '1', '-since', `EnteredCurrentStatus < ${since}`]));
  }

  async cancel(ref: string, jobId: number, arrayIndex: number | null): Promise<void> {
    const target = arrayIndex === null ? [ref] : ['-constraint', `ClusterId == ${Number(ref)} && ${INDEX_ATTRIBUTE} == ${arrayIndex}`];
    const r = await this.run(this.serviceCommand('condor_rm', [...this.scheddArgs(), ...target]), 'condor_rm');
    const why = `${r.stdout.trim()} ${r.stderr.trim()}`.trim();
    if (r.code !== 0 && !ALREADY_GONE.test(why)) {
      if (UNAVAILABLE.test(why)) throw new EngineUnavailableError(this.name, why, { jobId });
      throw new EngineRefusedError(this.name, `condor_rm ${target.join(' ')} failed on engine ${this.name}: ${why || `exit ${r.code}`}`, { jobId });
    }
    this.opts.logger.info({ jobId, clusterId: ref, arrayIndex }, 'cancel sent to HTCondor');
  }

  async syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]> {
    if (refs.length === 0) return [];
    const byCluster = new Map(refs.map((r) => [Number(r.ref), r.jobId]));
    const openTasks = new Map(refs.map((r) => [Number(r.ref), r.openTasks]));
    const updates: TaskUpdate[] = [];
    const queued = new Set<number>();
    const overTime: { jobId: number; ad: CondorJobAd }[] = [];
    const arrays = new Set<number>();
    for (const ad of await this.ads('condor_q', siteConstraint(this.opts.site))) {
      const jobId = byCluster.get(ad.ClusterId);
      if (jobId === undefined) continue;
      queued.add(ad.ClusterId);
      if (ad.GatewayArrayIndex !== undefined) arrays.add(ad.ClusterId);
      updates.push(adUpdate(jobId, ad));
      if (heldForWalltime(ad)) overTime.push({ jobId, ad });
    }
    // A job held for its walltime stays in the queue until removed; for the gateway it has ended (TIMEOUT).
    for (const { jobId, ad } of overTime) await this.cancel(String(ad.ClusterId), jobId, ad.GatewayArrayIndex ?? null);
    const gone = [...byCluster.keys()].filter((c) => !queued.has(c));
    // A finished process leaves the queue while the rest of its array runs on: arrays ask the history too.
    const asked = [...gone, ...arrays];
    if (asked.length === 0) return updates;
    const found = new Set<number>();
    // Bounded (DESIGN.md §6.5): only the tasks still open, at most one ad each, and no further back than the window.
    const wanted = asked.map((c) => ({ cluster: c, tasks: openTasks.get(c) ?? [] }));
    const constraint = wanted.map((w) => (w.tasks.length ? `(ClusterId == ${w.cluster} && (${w.tasks.map((i) => `${INDEX_ATTRIBUTE} == ${i}`).join(' || ')}))` : `ClusterId == ${w.cluster}`)).join(' || ');
    const limit = wanted.reduce((n, w) => n + Math.max(1, w.tasks.length), 0);
    const since = Math.floor(Date.now() / 1000) - (this.opts.historyWindowDays ?? 7) * 86400;
    const history = await this.ads('condor_history', siteConstraint(this.opts.site, constraint), ['-limit', String(limit), '-since', `EnteredCurrentStatus < ${since}`]);
    for (const ad of history) {
      found.add(ad.ClusterId);
      updates.push(adUpdate(byCluster.get(ad.ClusterId) as number, ad));
    }
    for (const cluster of gone.filter((c) => !found.has(c))) {
      updates.push({ jobId: byCluster.get(cluster) as number, arrayIndex: null, state: 'NODE_FAIL', reason: `HTCondor cluster ${cluster} is neither in condor_q nor in condor_history (searched back ${this.opts.historyWindowDays ?? 7} days): its final state is unknown`, exitCode: null, signal: null, startTime: null, endTime: new Date(), node: null });
    }
    return updates;
  }

  async output(ref: string, jobId: number, request: OutputRequest): Promise<OutputChunk> {
    const job = request.job;
    if (!job) throw notFound(`engine ${this.name} needs the job to find its output`, { jobId });
    const isArray = job.tasks.length > 0;
    const output = job.spec.output ?? (isArray ? DEFAULT_ARRAY_OUTPUT : DEFAULT_OUTPUT);
    // Without --error the description sends stderr to the output file, as Slurm does.
    if (request.stream === 'stderr' && !job.spec.error) return { path: null, data: '', nextOffset: 0, size: 0 };
    const pattern = request.stream === 'stdout' ? output : (job.spec.error as string);
    const task = job.tasks.find((t) => t.index === request.arrayIndex);
    const path = resolveOutputPath(pattern, { jobId: task?.rawId ?? job.id, arrayJobId: job.id, arrayIndex: request.arrayIndex, jobName: job.spec.name, user: job.owner.username, host: '%N' }, job.workdir);
    return readOutputFile((program, args) => this.ownerRead(job, program, args), path, request);
  }

  /** Partitions are node sets of one pool, chosen by ClassAd: their size is the pool's business (condor_status), not reported here. */
  async describe(): Promise<PartitionCapacity[]> {
    return [...this.opts.partitions.values()].map((p) => ({ name: p.name, state: 'up', nodes: 0, cpus: 0, memoryMB: null, gpus: 0, maxTimeMinutes: -1, nodeNames: [] }));
  }

  async health(): Promise<EngineHealth> {
    try {
      await this.ads('condor_q', `${TAG_ATTRIBUTE} == -1`);
      return { ok: true, detail: `HTCondor schedd ${this.opts.schedd ?? '(local)'} via ${this.opts.runner.describe()}` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async stop(): Promise<void> {
    await this.opts.runner.close();
  }

  private plan(job: EngineJob, gatesHonoured: boolean): CondorSubmitPlan {
    const partition = this.opts.partitions.get(job.partition);
    if (!partition) throw badInput(`partition ${job.partition} is not a partition of HTCondor engine ${this.name}`, { engine: this.name });
    // The job's Owner is who stages and submits it: only an owner the site's identity policy allows (DESIGN.md §4).
    assertUnixIdentity(job.owner, this.opts.security ?? DEFAULT_SECURITY, userWording(job.owner.username), { engine: this.name });
    return translateJob(job, { engine: this.name, site: this.opts.site, clusterName: this.opts.clusterName, partition, stageRoot: this.opts.stageDir, requeueRetries: this.opts.requeueRetries, gatesHonoured });
  }

  /** A status query: its failure is never read as "no jobs" (DESIGN.md §6). */
  private async ads(tool: 'condor_q' | 'condor_history', constraint: string, extra: string[] = []): Promise<CondorJobAd[]> {
    const scope = tool === 'condor_q' ? ['-allusers'] : [];
    const r = await this.run(this.serviceCommand(tool, [...this.scheddArgs(), ...scope, '-json', '-constraint', constraint, '-attributes', STATUS_ATTRIBUTES.join(','), ...extra]), tool);
    if (r.code !== 0) throw new EngineUnavailableError(this.name, `${tool} failed on engine ${this.name}: ${r.stderr.trim() || `exit ${r.code}`}`);
    try {
      return parseJobAds(r.stdout);
    } catch (e) {
      throw new EngineUnavailableError(this.name, `${tool} on engine ${this.name}: ${(e as Error).message}`);
    }
  }

  private async ownerRead(job: EngineJob, program: string, args: string[]): Promise<string | null> {
    return ownerReadResult(await this.run(ownerCommand(this.ctx, job.owner, program, args), program), this.name, job.id);
  }

  private tool(name: CondorTool): string {
    return posix.join(this.opts.binDir, name);
  }

  private scheddArgs(): string[] {
    return this.opts.schedd ? ['-name', this.opts.schedd] : [];
  }

  private serviceCommand(tool: CondorTool, args: string[]): CommandRequest {
    return { argv: [this.tool(tool), ...args] };
  }

  private run(request: CommandRequest, what: string): Promise<CommandResult> {
    return runEngineCommand(this.opts.runner, this.name, request, what);
  }
}
