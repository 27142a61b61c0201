import { notFound } from '../../common/domain-error';
import { isTerminal } from '../../domain/job';
import { parseTimeLimit } from '../../sbatch';
import { Engine, EngineHealth, EngineJob, LiveJobRef, TaggedJob, OutputChunk, OutputRequest, PartitionCapacity, TaskUpdate } from '../engine';
import { EngineError, EngineRefusedError, EngineUnavailableError, translatedOrRefused } from '../engine-errors';
import { SLURM_UNAVAILABLE, sbatchFailure } from './sbatch-failure';
import type { CommandRequest, CommandResult } from '../command-runner/command-runner';
import { ownerReadResult, readOutputFile, runEngineCommand } from '../command-runner/engine-commands';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, resolveOutputPath } from '../shared/filename-pattern';
import { serviceCommand, SlurmTool, slurmTool } from './slurm-command';
import { CommandContext, ownerCommand } from '../command-runner/owner-command';
import type { SlurmEngineOptions } from './slurm-engine-options';
import { parseSacct, parseScontrolJobs, parseSqueue, SACCT_FIELDS, type SacctRow, sacctUpdate, SCONTROL_JOBS_ARGS, type ScontrolJobRow, scontrolUpdate, SQUEUE_ARGS, squeueUpdate } from './slurm-status';
import { assertUnixIdentity, DEFAULT_SECURITY, userWording } from '../../users/unix-identity';
import { claimedNonce, droppedVariables, SbatchPlan, translateJob } from './translate-job';
import { droppedVariablesNote } from '../shared/job-environment';
import { toSlurmTime } from './slurm-states';
import { adoptTagged, RunnerIdentity, type TagCandidate } from '../reconcile-tag';

/** How long a job ended in squeue may wait for its accounting record before slurmctld's word is final. */
const ACCOUNTING_GRACE_MS = 60_000;
/** A status pass does not wait longer for sacct (slurmdbd down can make it hang): slurmctld's word is used instead. */
const SACCT_PASS_TIMEOUT_MS = 20_000;
/**
 * How long a job that left squeue waits for sacct to answer again before it is reported lost: it left squeue
 * MinJobAge after it ended, so the gateway missed its end (it was down) AND slurmdbd is down too.
 */
const VANISHED_GRACE_MS = 10 * 60_000;
/** Reconciliation asks sacct from this long before the gateway accepted the job (clocks of two hosts). */
const RECONCILE_MARGIN_MS = 10 * 60_000;

/** What the accounting records of a pass are: sacct's rows, or why there are none (and whether that may pass). */
type AccountingAnswer = { rows: SacctRow[] } | { rows: null; why: string; outage: boolean };

/**
 * A Slurm cluster as an engine (DESIGN.md §2): sbatch/squeue/sacct/scancel/sinfo through a
 * CommandRunner (this host, or a login node over SSH). Jobs are submitted as their owner, tagged with
 * the gateway job id and nonce in --comment; status costs ONE squeue call per pass for all jobs of the cluster,
 * plus, when some ended or left squeue, one sacct call for them and, without a record from it, one scontrol.
 */
export class SlurmEngine implements Engine {
  readonly kind = 'slurm';
  readonly nativeDependencies = true;
  readonly name: string;
  private readonly ctx: CommandContext;
  private readonly runnerIdentity: RunnerIdentity;
  /** Jobs gone from squeue while sacct did not answer, since when (by `12` / `12_3`). */
  private missingSince = new Map<string, number>();

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

  /**
   * sbatch as the job's owner. Whatever goes wrong that is not clearly transient (EngineUnavailableError:
   * slurmctld, sudo or the login node unreachable) is a refusal with its message: the job FAILS with a
   * reason instead of staying PENDING through retries that would fail the same way.
   */
  async submit(job: EngineJob): Promise<string> {
    try {
      return await this.sbatch(job);
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineRefusedError(this.name, `cannot submit job ${job.id} to Slurm on engine ${this.name}: ${(e as Error).message}`, { jobId: job.id });
    }
  }

  notes(job: EngineJob): string[] {
    const note = droppedVariablesNote(droppedVariables(job));
    return note ? [note] : [];
  }

  private async sbatch(job: EngineJob): Promise<string> {
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
   * Only the submissions that can be this job's are asked for: its name (of every user, so that a stranger's
   * job claiming the tag is seen and logged), and in sacct only since the gateway accepted the job.
   */
  async findByTag(job: TaggedJob): Promise<string | null> {
    const expectedOwner = await this.submitter(job);
    const claims = (rows: { ref: string; user: string; comment: string }[]): TagCandidate[] =>
      rows.flatMap((row) => {
        const claim = claimedNonce(row.comment, this.opts.site, job.id);
        return claim ? [{ ref: row.ref, nonce: claim.nonce, owner: row.user }] : [];
      });
    const adopt = (candidates: TagCandidate[]) => adoptTagged(job, candidates, { engine: this.name, expectedOwner, logger: this.opts.logger });
    // squeue and sacct read a comma as a list of names: such a name is not filtered on.
    const byName = job.name && !job.name.includes(',') ? [`--name=${job.name}`] : [];
    const live = adopt(claims(parseSqueue(await this.status('squeue', [...SQUEUE_ARGS, ...byName]))));
    if (live || !this.opts.accounting) return live;
    // Gone from squeue (MinJobAge): the accounting record still carries the comment and the user.
    const since = job.submittedAt ? toSlurmTime(new Date(job.submittedAt.getTime() - RECONCILE_MARGIN_MS)) : 'now-7days';
    const recorded = await this.sacct(['-a', '-n', '-P', '-X', `--starttime=${since}`, ...byName, `--format=${SACCT_FIELDS.join(',')}`]);
    // No accounting storage at all: nothing but squeue could know the job (and it does not).
    return recorded === 'disabled' ? null : adopt(claims(parseSacct(recorded)));
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

  /**
   * One status pass. Live state from squeue (every job slurmctld holds, ended ones for MinJobAge). The final
   * state of a job that ended: its accounting record (sacct) when slurmdbd answers, else slurmctld's own
   * (`scontrol show job`, ExitCode as code:signal), else squeue's. sacct failing (no accounting, slurmdbd
   * down or hanging) degrades the pass instead of failing it, and one job's unreadable record leaves that
   * job for the next pass without holding back the others. Only squeue failing fails the pass.
   */
  async syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]> {
    if (refs.length === 0) return [];
    const byRef = new Map(refs.map((r) => [r.ref, r.jobId]));
    const problems: string[] = [];
    const read = <R extends { ref: string; arrayIndex: number | null }>(row: R, update: (jobId: number, row: R) => TaskUpdate): TaskUpdate | null => {
      const jobId = byRef.get(row.ref);
      if (jobId === undefined) return null;
      try {
        return update(jobId, row);
      } catch (e) {
        problems.push(`${taskKey(row.ref, row.arrayIndex)}: ${(e as Error).message}`);
        return null;
      }
    };
    try {
      return await this.statusPass(refs, read);
    } finally {
      if (problems.length) this.opts.logger.warn({ engine: this.name, problems }, 'Slurm reported jobs the gateway cannot read; they are asked again next pass');
    }
  }

  private async statusPass(refs: LiveJobRef[], read: <R extends { ref: string; arrayIndex: number | null }>(row: R, update: (jobId: number, row: R) => TaskUpdate) => TaskUpdate | null): Promise<TaskUpdate[]> {
    const updates: TaskUpdate[] = [];
    // Every job and array task squeue still shows (`--array`: pending tasks one per line too).
    const inSqueue = new Set<string>();
    const ended: { update: TaskUpdate; ref: string }[] = [];
    const refSet = new Set(refs.map((r) => r.ref));
    for (const row of parseSqueue(await this.status('squeue', SQUEUE_ARGS))) {
      if (!refSet.has(row.ref)) continue;
      inSqueue.add(taskKey(row.ref, row.arrayIndex));
      const update = read(row, squeueUpdate);
      if (!update) continue;
      // A clean completion is reported at once: holding it as RUNNING while slurmdbd lags would show more
      // tasks running than the array's throttle allows. Other ends take the final record's exit code and signal.
      if (isTerminal(update.state) && update.state !== 'COMPLETED') ended.push({ update, ref: row.ref });
      else updates.push(update);
    }
    // Jobs, and array tasks the gateway has not seen finish, that have left squeue (MinJobAge).
    const gone = refs.flatMap((r) => (r.openTasks.length ? r.openTasks : [null]).map((arrayIndex) => ({ jobId: r.jobId, ref: r.ref, arrayIndex }))).filter((t) => !inSqueue.has(taskKey(t.ref, t.arrayIndex)));
    if (gone.length === 0 && ended.length === 0) {
      this.missingSince.clear();
      return updates;
    }

    const accounting = await this.accountingRecords([...new Set([...gone.map((g) => g.ref), ...ended.map((e) => e.ref)])]);
    const resolved = new Set<string>();
    const final = new Map<string, TaskUpdate>();
    if (accounting.rows) {
      const goneKeys = new Set(gone.map((g) => taskKey(g.ref, g.arrayIndex)));
      const arrays = new Set(refs.filter((r) => r.openTasks.length).map((r) => r.ref));
      for (const row of accounting.rows) {
        // slurmdbd's first record of a just-ended array can lack the task id (`12`, not `12_1`) for a moment.
        if (row.arrayIndex === null && arrays.has(row.ref)) continue;
        const key = taskKey(row.ref, row.arrayIndex);
        const update = read(row, sacctUpdate);
        if (!update) continue;
        if (inSqueue.has(key)) final.set(key, update);
        else if (!resolved.has(key) && goneKeys.has(key)) {
          resolved.add(key);
          updates.push(update);
        }
      }
    }

    const now = Date.now();
    const unrecorded = ended.filter((e) => !isTerminal(final.get(taskKey(e.ref, e.update.arrayIndex))?.state ?? 'PENDING'));
    // slurmdbd lags a few seconds behind slurmctld: while it answers, a just-ended job waits for its record.
    const settled = unrecorded.filter((e) => !accounting.rows || !e.update.endTime || now - e.update.endTime.getTime() > ACCOUNTING_GRACE_MS);
    const controller = settled.length ? await this.controllerRecords() : null;
    for (const e of ended) {
      const key = taskKey(e.ref, e.update.arrayIndex);
      const recorded = final.get(key);
      if (recorded && isTerminal(recorded.state)) updates.push(recorded);
      else if (settled.includes(e)) {
        const row = controller?.get(key);
        updates.push((row && read(row, scontrolUpdate)) || e.update);
      }
    }

    const missing = new Map<string, number>();
    for (const g of gone) {
      const key = taskKey(g.ref, g.arrayIndex);
      if (resolved.has(key)) continue;
      let where: string;
      if (!this.opts.accounting) where = 'no longer in squeue and the engine has no accounting (sacct)';
      else if (accounting.rows) where = 'neither in squeue nor in sacct';
      else if (!accounting.outage) where = `no longer in squeue and Slurm keeps no accounting (${accounting.why})`;
      else {
        // sacct may answer again: wait, but not forever.
        const since = this.missingSince.get(key) ?? now;
        missing.set(key, since);
        if (now - since < VANISHED_GRACE_MS) continue;
        where = `no longer in squeue and sacct has not answered for ${Math.round((now - since) / 60_000)} min (${accounting.why})`;
      }
      updates.push({ jobId: g.jobId, arrayIndex: g.arrayIndex, state: 'NODE_FAIL', reason: `Slurm job ${key} is ${where}: its final state is unknown`, exitCode: null, signal: null, startTime: null, endTime: new Date(), node: null });
    }
    this.missingSince = missing;
    return updates;
  }

  /** sacct's records of these jobs, or why there are none this pass (logged once per pass, not per job). */
  private async accountingRecords(refs: string[]): Promise<AccountingAnswer> {
    if (!this.opts.accounting) return { rows: null, why: 'the engine has no accounting', outage: false };
    let answer: AccountingAnswer;
    try {
      const out = await this.sacct(['-n', '-P', '-X', `--jobs=${refs.join(',')}`, `--format=${SACCT_FIELDS.join(',')}`], SACCT_PASS_TIMEOUT_MS);
      if (out !== 'disabled') return { rows: parseSacct(out) };
      answer = { rows: null, why: "Slurm's accounting storage is disabled", outage: false };
    } catch (e) {
      if (!(e instanceof EngineUnavailableError)) throw e;
      answer = { rows: null, why: e.message, outage: true };
    }
    this.opts.logger.warn({ engine: this.name, jobs: refs.length, err: answer.why }, 'sacct did not answer: final states from slurmctld (scontrol show job) this pass');
    return answer;
  }

  /** Every job slurmctld still holds, by `12` / `12_3`; null when scontrol does not answer (squeue's word is used). */
  private async controllerRecords(): Promise<Map<string, ScontrolJobRow> | null> {
    try {
      return new Map(parseScontrolJobs(await this.status('scontrol', SCONTROL_JOBS_ARGS)).map((r) => [taskKey(r.ref, r.arrayIndex), r]));
    } catch (e) {
      this.opts.logger.warn({ engine: this.name, err: (e as Error).message }, 'scontrol show job did not answer: final states from squeue this pass');
      return null;
    }
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

  /** sacct's output; 'disabled' when the cluster keeps no accounting; EngineUnavailableError when slurmdbd does not answer. */
  private async sacct(args: string[], timeoutMs?: number): Promise<string | 'disabled'> {
    const r = await this.run({ ...serviceCommand(this.ctx, 'sacct', args), ...(timeoutMs ? { timeoutMs } : {}) }, 'sacct');
    if (r.code === 0) return r.stdout;
    const why = r.stderr.trim() || `exit ${r.code}`;
    if (/accounting storage is disabled/i.test(why)) return 'disabled';
    throw new EngineUnavailableError(this.name, `sacct failed on engine ${this.name}: ${why.split('\n').pop()}`);
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
