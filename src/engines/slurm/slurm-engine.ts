import { notFound } from '../../common/domain-error';
import { isTerminal } from '../../domain/job';
import { parseTimeLimit } from '../../sbatch';
import { Engine, EngineHealth, EngineJob, LiveJobRef, TaggedJob, OutputChunk, OutputRequest, PartitionCapacity, TaskUpdate } from '../engine';
import { EngineRefusedError, EngineUnavailableError, translatedOrRefused } from '../engine-errors';
import { SLURM_UNAVAILABLE, sbatchFailure } from './sbatch-failure';
import type { CommandRequest, CommandResult } from '../command-runner/command-runner';
import { ownerReadResult, readOutputFile, runEngineCommand } from '../command-runner/engine-commands';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, resolveOutputPath } from '../shared/filename-pattern';
import { serviceCommand, SlurmTool, slurmTool } from './slurm-command';
import { CommandContext, ownerCommand } from '../command-runner/owner-command';
import type { SlurmEngineOptions } from './slurm-engine-options';
import { parseSacct, parseSqueue, SACCT_FIELDS, sacctUpdate, SQUEUE_ARGS, squeueUpdate } from './slurm-status';
import { assertUnixIdentity, DEFAULT_SECURITY, userWording } from '../../users/unix-identity';
import { claimedNonce, SbatchPlan, translateJob } from './translate-job';
import { adoptTagged, RunnerIdentity, type TagCandidate } from '../reconcile-tag';

/** How long a job ended in squeue may wait for its accounting record before squeue's word is final. */
const ACCOUNTING_GRACE_MS = 60_000;

/**
 * A Slurm cluster as an engine (DESIGN.md §2): sbatch/squeue/sacct/scancel/sinfo through a
 * CommandRunner (this host, or a login node over SSH). Jobs are submitted as their owner, tagged with
 * the gateway job id and nonce in --comment; status costs ONE squeue call per pass for all jobs of the cluster,
 * plus one sacct call for those that already left squeue.
 */
export class SlurmEngine implements Engine {
  readonly kind = 'slurm';
  readonly nativeDependencies = true;
  readonly name: string;
  private readonly ctx: CommandContext;
  private readonly runnerIdentity: RunnerIdentity;

  constructor(private readonly opts: SlurmEngineOptions) {
    this.name = opts.name;
    this.ctx = { submitAs: opts.submitAs, fixedEnv: opts.slurmConf ? { SLURM_CONF: opts.slurmConf } : {}, binDir: opts.binDir };
    this.runnerIdentity = new RunnerIdentity(opts.runner, opts.name);
  }

  translate(job: EngineJob): SbatchPlan {
    // sudo/runuser/ssh as the owner only for an owner the site's identity policy allows (DESIGN.md §4).
    assertUnixIdentity(job.owner, this.opts.security ?? DEFAULT_SECURITY, userWording(job.owner.username), { engine: this.name });
    return translateJob(job, this.opts.site);
  }

  async submit(job: EngineJob): Promise<string> {
    const plan = translatedOrRefused(this.name, job.id, () => this.translate(job));
    const r = await this.run(ownerCommand(this.ctx, job.owner, slurmTool(this.ctx, 'sbatch'), plan.args, plan.env, plan.script), 'sbatch');
    if (r.code !== 0) throw sbatchFailure(this.name, job.id, r.stderr, r.code);
    const id = r.stdout.trim().split('\n').pop()?.split(';')[0] ?? '';
    if (!/^\d+$/.test(id)) throw new EngineUnavailableError(this.name, `sbatch printed no job id for job ${job.id}: ${r.stdout.trim()} ${r.stderr.trim()}`, { jobId: job.id });
    this.opts.logger.info({ jobId: job.id, slurmJobId: id, owner: job.owner.username }, 'job submitted to Slurm');
    return id;
  }

  /**
   * A submission is adopted only if its comment carries this job's nonce AND Slurm names the expected
   * owner: any Slurm user can write any --comment, and can read a submitted job's nonce in squeue.
   */
  async findByTag(job: TaggedJob): Promise<string | null> {
    const expectedOwner = await this.submitter(job);
    const claims = (rows: { ref: string; user: string; comment: string }[]): TagCandidate[] =>
      rows.flatMap((row) => {
        const claim = claimedNonce(row.comment, this.opts.site, job.id);
        return claim ? [{ ref: row.ref, nonce: claim.nonce, owner: row.user }] : [];
      });
    const adopt = (candidates: TagCandidate[]) => adoptTagged(job, candidates, { engine: this.name, expectedOwner, logger: this.opts.logger });
    const live = adopt(claims(parseSqueue(await this.status('squeue', SQUEUE_ARGS))));
    if (live || !this.opts.accounting) return live;
    // Gone from squeue (MinJobAge): the accounting record still carries the comment and the user.
    return adopt(claims(parseSacct(await this.status('sacct', ['-a', '-n', '-P', '-X', '--starttime=now-7days', `--format=${SACCT_FIELDS.join(',')}`]))));
  }

  /**
   * The Slurm user a job of this owner is submitted as. With `sudo`, `runuser` and `ssh-user` it is the
   * owner. With `service` every job is the runner's own user's (a robot account): the owner check then
   * only tells the gateway's jobs from other users', and the nonce alone tells one gateway job from another.
   */
  private async submitter(job: TaggedJob): Promise<string> {
    return this.opts.submitAs === 'service' ? this.runnerIdentity.username() : job.owner.username;
  }

  async cancel(ref: string, jobId: number, arrayIndex: number | null): Promise<void> {
    const target = arrayIndex === null ? ref : `${ref}_${arrayIndex}`;
    const r = await this.run(serviceCommand(this.ctx, 'scancel', [target]), 'scancel');
    const why = r.stderr.trim();
    // Already finished, or already forgotten by slurmctld: nothing left to cancel.
    if (r.code !== 0 && !/Invalid job id|already completing or completed/i.test(why)) {
      this.unavailableIf(why, jobId);
      throw new EngineRefusedError(this.name, `scancel ${target} failed on engine ${this.name}: ${why || `exit ${r.code}`}`, { jobId });
    }
    this.opts.logger.info({ jobId, slurmJobId: target }, 'cancel sent to Slurm');
  }

  async syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]> {
    if (refs.length === 0) return [];
    const byRef = new Map(refs.map((r) => [r.ref, r.jobId]));
    const updates: TaskUpdate[] = [];
    // Every job and array task squeue still shows (`--array`: pending tasks one per line too).
    const inSqueue = new Set<string>();
    const ended: { update: TaskUpdate; ref: string }[] = [];
    for (const row of parseSqueue(await this.status('squeue', SQUEUE_ARGS))) {
      const jobId = byRef.get(row.ref);
      if (jobId === undefined) continue;
      inSqueue.add(taskKey(row.ref, row.arrayIndex));
      const update = squeueUpdate(jobId, row);
      // squeue's exit code is not the final word for jobs ended by a signal (it says 0:0 where sacct says
      // 0:15), so those wait for the accounting record. A clean completion is reported at once: holding
      // it as RUNNING while slurmdbd lags would show more tasks running than the array's throttle allows.
      if (this.opts.accounting && isTerminal(update.state) && update.state !== 'COMPLETED') ended.push({ update, ref: row.ref });
      else updates.push(update);
    }
    // Jobs, and array tasks the gateway has not seen finish, that have left squeue (MinJobAge).
    const gone = refs.flatMap((r) => (r.openTasks.length ? r.openTasks : [null]).map((arrayIndex) => ({ jobId: r.jobId, ref: r.ref, arrayIndex }))).filter((t) => !inSqueue.has(taskKey(t.ref, t.arrayIndex)));
    if (gone.length === 0 && ended.length === 0) return updates;
    // The accounting record is the final word (Slurm's own sacct), for jobs just ended and those already gone.
    const resolved = new Set<string>();
    if (this.opts.accounting) {
      const asked = [...new Set([...gone.map((g) => g.ref), ...ended.map((e) => e.ref)])];
      const rows = parseSacct(await this.status('sacct', ['-n', '-P', '-X', `--jobs=${asked.join(',')}`, `--format=${SACCT_FIELDS.join(',')}`]));
      const final = new Map<string, TaskUpdate>();
      const arrays = new Set(refs.filter((r) => r.openTasks.length).map((r) => r.ref));
      for (const row of rows) {
        const jobId = byRef.get(row.ref);
        // slurmdbd's first record of a just-ended array can lack the task id (`12`, not `12_1`) for a moment.
        if (jobId === undefined || (row.arrayIndex === null && arrays.has(row.ref))) continue;
        const key = taskKey(row.ref, row.arrayIndex);
        const update = sacctUpdate(jobId, row);
        if (inSqueue.has(key)) final.set(key, update);
        else {
          resolved.add(key);
          updates.push(update);
        }
      }
      for (const e of ended) {
        const recorded = final.get(taskKey(e.ref, e.update.arrayIndex));
        if (recorded && isTerminal(recorded.state)) updates.push(recorded);
        // slurmdbd lags a few seconds; past that, slurmctld's word is taken rather than waiting forever.
        else if (e.update.endTime && Date.now() - e.update.endTime.getTime() > ACCOUNTING_GRACE_MS) updates.push(e.update);
      }
    }
    const where = this.opts.accounting ? 'neither in squeue nor in sacct' : 'no longer in squeue and the engine has no accounting (sacct)';
    for (const g of gone.filter((t) => !resolved.has(taskKey(t.ref, t.arrayIndex)))) {
      updates.push({ jobId: g.jobId, arrayIndex: g.arrayIndex, state: 'NODE_FAIL', reason: `Slurm job ${taskKey(g.ref, g.arrayIndex)} is ${where}: its final state is unknown`, exitCode: null, signal: null, startTime: null, endTime: new Date(), node: null });
    }
    return updates;
  }

  async output(ref: string, jobId: number, request: OutputRequest): Promise<OutputChunk> {
    const job = request.job;
    if (!job) throw notFound(`engine ${this.name} needs the job to find its output`, { jobId });
    const pattern = request.stream === 'stdout' ? (job.spec.output ?? (job.tasks.length ? DEFAULT_ARRAY_OUTPUT : DEFAULT_OUTPUT)) : job.spec.error;
    if (!pattern) return { path: null, data: '', nextOffset: 0, size: 0 };
    const placed = this.placement(ref, request.arrayIndex, request.seen);
    const path = resolveOutputPath(pattern, { jobId: placed.rawId, arrayJobId: Number(ref), arrayIndex: request.arrayIndex, jobName: job.spec.name, user: job.owner.username, host: placed.node }, job.workdir);
    return readOutputFile((program, args) => this.ownerRead(job, program, args), path, request);
  }

  async describe(): Promise<PartitionCapacity[]> {
    const out = await this.status('sinfo', ['--noheader', '--Node', '--format=%R|%a|%N|%c|%m|%l|%G|%t']);
    const parts = new Map<string, PartitionCapacity>();
    for (const line of out.split('\n').filter((l) => l.trim())) {
      const [name, avail, node, cpus, mem, limit, gres, nodeState] = line.split('|').map((s) => s.trim());
      const p = parts.get(name) ?? { name, state: avail === 'up' ? 'up' : 'down', nodes: 0, cpus: 0, memoryMB: 0, gpus: 0, maxTimeMinutes: parseSlurmLimit(limit), nodeNames: [] };
      p.nodes++;
      p.cpus += Number(cpus) || 0;
      p.memoryMB = (p.memoryMB ?? 0) + (Number(mem) || 0);
      p.gpus += [...gres.matchAll(/gpu(?::[^:(,]+)?:(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      p.nodeNames.push(node);
      if (p.state === 'up' && /drain/.test(nodeState) && p.nodeNames.length === p.nodes) p.state = 'drain';
      parts.set(name, p);
    }
    return [...parts.values()];
  }

  async health(): Promise<EngineHealth> {
    try {
      const out = await this.status('scontrol', ['show', 'config']);
      const cluster = /^ClusterName\s*=\s*(\S+)/m.exec(out)?.[1] ?? '?';
      if (this.opts.clusterName && cluster !== this.opts.clusterName) {
        return { ok: false, detail: `${this.opts.runner.describe()} reaches Slurm cluster "${cluster}", configured "${this.opts.clusterName}"` };
      }
      return { ok: true, detail: `Slurm cluster ${cluster} via ${this.opts.runner.describe()}` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async stop(): Promise<void> {
    await this.opts.runner.close();
  }

  /**
   * The task's own Slurm id (`%j`) and node (`%N`) for its file names, as the sync stored them: reading
   * output asks Slurm nothing but the file (DESIGN.md §6 rule 5). A plain job's id is its ref; an array
   * task's (or a node) not seen yet means it has not started, and the pattern names no file of it yet.
   */
  private placement(ref: string, arrayIndex: number | null, seen: OutputRequest['seen']): { rawId: number; node: string } {
    const own = arrayIndex === null ? ref : seen?.engineId;
    return { rawId: Number(own ?? ref), node: seen?.node ?? '' };
  }

  /** Reads as the job's owner, so file permissions are the owner's; null when the file does not exist (yet). */
  private async ownerRead(job: EngineJob, program: string, args: string[]): Promise<string | null> {
    return ownerReadResult(await this.run(ownerCommand(this.ctx, job.owner, program, args), program), this.name, job.id);
  }

  /** A status command: its failure is never read as "no jobs" (DESIGN.md §6). */
  private async status(tool: SlurmTool, args: string[]): Promise<string> {
    const r = await this.run(serviceCommand(this.ctx, tool, args), tool);
    if (r.code !== 0) {
      const why = r.stderr.trim() || `exit ${r.code}`;
      throw new EngineUnavailableError(this.name, `${tool} failed on engine ${this.name}: ${why}`);
    }
    return r.stdout;
  }

  private run(request: CommandRequest, what: string): Promise<CommandResult> {
    return runEngineCommand(this.opts.runner, this.name, request, what);
  }

  private unavailableIf(why: string, jobId: number): void {
    if (SLURM_UNAVAILABLE.test(why)) throw new EngineUnavailableError(this.name, why, { jobId });
  }
}

/** One job (`12`) or array task (`12_3`) as both squeue and sacct name it. */
function taskKey(ref: string, arrayIndex: number | null): string {
  return arrayIndex === null ? ref : `${ref}_${arrayIndex}`;
}

function parseSlurmLimit(text: string): number {
  if (/^infinite$/i.test(text)) return -1;
  try {
    return parseTimeLimit(text);
  } catch {
    return -1;
  }
}
