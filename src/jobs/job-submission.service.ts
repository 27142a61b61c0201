import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedPartition } from '../config/load-config';
import { badInput, forbidden } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { EngineRegistry } from '../engines/engine-registry';
import type { EngineJob } from '../engines/engine';
import { PartitionsService } from '../partitions/partitions.service';
import { parseBatchScript, parseJobSpecInput } from '../sbatch';
import { GATED_DEPENDENCY_TYPES, dependencyIds } from './dependency-gate';
import type { JobSpec, JobSpecInput, ValidJobSpec } from '../domain/job';
import { JobMetrics } from './job-metrics';
import { JobLifecycle } from './job-lifecycle';
import { JobsRepository } from './jobs.repository';
import { type StoredRoute, timeLimitIn } from './job-route';
import { ownerOf, toEngineJob } from './engine-job';
import { LimitsService, type QueuedRequest } from '../limits/limits.service';
import { footprint, jobGpus } from '../limits/job-footprint';
import { assertUnixIdentity } from '../users/unix-identity';

/** SLURM_SUBMIT_HOST: the host the API runs on (os.hostname() is a system call; it does not change). */
const SUBMIT_HOST = hostname();

export interface BatchScriptInput {
  script: string | null;
  args: string[];
  scriptArgs: string[];
  env: Record<string, string>;
  cwd: string | null;
  scriptName: string | null;
}

/** A job checked against the site and ready to store: everything `submit` and `--test-only` share. */
interface PreparedJob {
  spec: JobSpec;
  /** The first partition that can take the job: where it runs unless its route chooses another. */
  partition: ResolvedPartition;
  route: StoredRoute | null;
  workdir: string;
  submitDir: string;
  timeLimitMinutes: number | null;
  cpus: number;
  gpus: number;
  nodes: number;
  preview: EngineJob;
  /** The maxQueued check, made when the job is inserted (under the user's lock); null without that limit. */
  queued: QueuedRequest | null;
}

@Injectable()
export class JobSubmissionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly partitions: PartitionsService,
    private readonly engines: EngineRegistry,
    private readonly lifecycle: JobLifecycle,
    private readonly metrics: JobMetrics,
    private readonly limits: LimitsService,
  ) {}

  /** Returns the new job's id; the job itself is read only if a client asks for it. */
  async submitBatchScript(caller: Principal, input: BatchScriptInput, key: string | null = null): Promise<number> {
    return this.counted(async () => this.store(caller, await this.prepare(caller, this.parse(input), input.cwd), key));
  }

  /** A structured JobSpec (`submitJob`, notebooks): parsed by the schema once, absent fields defaulted. */
  async submitJob(caller: Principal, input: JobSpecInput, cwd: string | null, key: string | null = null): Promise<number> {
    return this.counted(async () => this.store(caller, await this.prepare(caller, parseJobSpecInput(input, this.config.limits), cwd), key));
  }

  /** `sbatch --test-only`: what would be stored and what the engine would run; stores nothing. */
  async testBatchScript(caller: Principal, input: BatchScriptInput) {
    const prepared = await this.prepare(caller, this.parse(input), input.cwd);
    await this.limits.checkQueuedNow(prepared.queued);
    const engine = this.engines.get(prepared.partition.engine);
    return { spec: prepared.spec, engine: engine.name, translation: engine.translate(prepared.preview) };
  }

  private parse(input: BatchScriptInput): ValidJobSpec {
    const { spec } = parseBatchScript(
      { script: input.script, optionArgs: input.args, scriptArgs: input.scriptArgs, env: input.env, scriptName: input.scriptName },
      this.config.limits,
    );
    return spec;
  }

  private async counted(fn: () => Promise<number>): Promise<number> {
    try {
      const job = await fn();
      this.metrics.submissions.inc({ outcome: 'accepted' });
      return job;
    } catch (e) {
      this.metrics.submissions.inc({ outcome: 'rejected' });
      throw e;
    }
  }

  /** `parsed` passed the JobSpec schema where it was parsed (sbatch or structured): it is not checked again. */
  private async prepare(caller: Principal, parsed: ValidJobSpec, cwd: string | null): Promise<PreparedJob> {
    // Every job runs as its owner (DESIGN.md §4): without a uid/gid at or above the site's minimum there is no one to run it as.
    assertUnixIdentity(caller, this.config.site.security);
    this.checkPrivileged(caller, parsed);
    const spec = await this.resolveDependencies(caller, parsed);
    const route = this.partitions.resolveRoute(spec.partitions, caller);

    if (cwd !== null && !isAbsolute(cwd)) throw badInput(`cwd must be an absolute path, got "${cwd}"`, { field: 'cwd' });
    const submitDir = cwd ?? caller.home ?? process.cwd();
    const workdir = spec.workdir ? resolve(submitDir, spec.workdir) : submitDir;

    const cpus = Math.max(1, spec.ntasks ?? 1) * Math.max(1, spec.cpusPerTask ?? 1);
    const nodes = spec.nodes?.min ?? 1;
    const gpus = jobGpus(spec);
    // Of several partitions, those that cannot take the job (time limit, what the engine can run) are left
    // out, as Slurm leaves them out of a `-p a,b` job; when none can, the first one's reason is the answer.
    const fits: { partition: ResolvedPartition; preview: EngineJob; timeLimitMinutes: number | null }[] = [];
    let firstRefusal: unknown = null;
    for (const partition of route.partitions) {
      try {
        fits.push(this.fit(spec, partition, caller, { workdir, submitDir }));
      } catch (e) {
        firstRefusal ??= e;
      }
    }
    if (fits.length === 0) throw firstRefusal;
    const { partition, preview, timeLimitMinutes } = fits[0];
    const names = fits.map((f) => f.partition.name);
    const chooseFrom = new Set(route.partitions.slice(0, route.choose).map((p) => p.name));
    const stored: StoredRoute | null = fits.length > 1 ? { partitions: names, choose: Math.max(1, names.filter((n) => chooseFrom.has(n)).length), rule: route.rule } : null;
    const tasks = spec.array?.indices.length ?? 1;
    const queued = this.limits.checkSubmit(caller, { ...footprint({ cpus, gpus, openTasks: spec.array ? tasks : null, maxConcurrent: spec.array?.maxConcurrent ?? null }), tasks });
    return { spec, partition, route: stored, workdir, submitDir, timeLimitMinutes, cpus, gpus, nodes, preview, queued };
  }

  /** The job as one partition's engine would run it; throws what that partition or engine refuses. */
  private fit(spec: JobSpec, partition: ResolvedPartition, caller: Principal, dirs: { workdir: string; submitDir: string }) {
    const timeLimitMinutes = timeLimitIn(spec, partition);
    if (partition.maxTimeMinutes !== -1 && (spec.timeLimitMinutes === -1 || (spec.timeLimitMinutes ?? 0) > partition.maxTimeMinutes)) {
      throw badInput(
        `Requested time limit is invalid (exceeds the limit of partition ${partition.name}): asked ${spec.timeLimitMinutes === -1 ? 'UNLIMITED' : spec.timeLimitMinutes + ' minutes'}, allowed at most ${partition.maxTimeMinutes} minutes`,
        { option: '--time', allowed: `<= ${partition.maxTimeMinutes} minutes` },
      );
    }
    const preview = toEngineJob(
      // Id and nonce are drawn when the job is stored; a preview (--test-only) shows neither.
      { id: 0, submitNonce: '', spec, partition: partition.name, ...dirs, submitHost: SUBMIT_HOST, timeLimitMinutes, tasks: (spec.array?.indices ?? []).map((index) => ({ index, rawId: 0 })) },
      ownerOf(caller),
      partition,
    );
    // The engine refuses what it cannot run (too many CPUs for the local engine, …) now, not later.
    this.engines.get(partition.engine).translate(preview);
    return { partition, preview, timeLimitMinutes };
  }

  /** What Slurm allows only operators: a negative nice value and setting the priority. */
  private checkPrivileged(caller: Principal, spec: JobSpec): void {
    if (caller.admin) return;
    if ((spec.nice ?? 0) < 0) throw forbidden(`--nice=${spec.nice}: only administrators may give a negative nice value`, { option: '--nice' });
    if (spec.priority !== undefined) throw forbidden('--priority: only administrators may set a job priority', { option: '--priority' });
  }

  /**
   * Every job named in --dependency must exist. An id that is an array task's own id (JobIDRaw) is
   * rewritten to that job and task, so the gate needs to know only one kind of id. Only the caller's
   * own jobs count (an administrator's: anyone's), so the answer never tells whether another user's job exists.
   */
  private async resolveDependencies(caller: Principal, spec: JobSpec): Promise<JobSpec> {
    const unsupported = spec.dependency?.items.find((i) => !GATED_DEPENDENCY_TYPES.has(i.type));
    if (unsupported) {
      throw badInput(`--dependency=${unsupported.type} is not supported by this gateway; supported: ${[...GATED_DEPENDENCY_TYPES].join(', ')}`, {
        option: '--dependency',
        value: unsupported.type,
        allowed: [...GATED_DEPENDENCY_TYPES],
      });
    }
    const ids = dependencyIds(spec);
    if (ids.length === 0) return spec;
    const visible = (job: { userId: number }) => caller.admin || job.userId === caller.userId;
    const found = new Set((await this.jobs.findForDependencies(ids)).filter(visible).map((j) => j.id));
    const byTask = new Map<number, { jobId: number; index: number }>();
    for (const id of ids.filter((i) => !found.has(i))) {
      const job = await this.jobs.findByAnyId(id);
      const task = job?.tasks.find((t) => t.rawId === id);
      if (job && task && visible(job)) byTask.set(id, { jobId: job.id, index: task.index });
    }
    const missing = ids.filter((id) => !found.has(id) && !byTask.has(id));
    if (missing.length) {
      throw badInput(`Job dependency problem: no job ${missing.join(', ')}`, { option: '--dependency', value: missing.join(',') });
    }
    if (byTask.size === 0) return spec;
    const items = spec.dependency!.items.map((item) => ({
      ...item,
      jobIds: item.jobIds.map((id) => byTask.get(id)?.jobId ?? id),
      arrayTaskIds: item.jobIds.map((id, k) => byTask.get(id)?.index ?? item.arrayTaskIds?.[k] ?? null),
    }));
    return { ...spec, dependency: { ...spec.dependency!, items } };
  }

  private store(caller: Principal, p: PreparedJob, key: string | null): Promise<number> {
    return this.lifecycle.accept(
      {
        userId: caller.userId,
        name: p.spec.name,
        partition: p.partition.name,
        engine: p.partition.engine,
        route: p.route,
        spec: p.spec,
        workdir: p.workdir,
        submitDir: p.submitDir,
        submitHost: SUBMIT_HOST,
        account: p.spec.account,
        timeLimitMinutes: p.timeLimitMinutes,
        nodes: p.nodes,
        cpus: p.cpus,
        gpus: p.gpus,
        arrayIndices: p.spec.array?.indices ?? null,
        actor: `user:${caller.username}`,
        idempotencyKey: key ?? undefined,
      },
      p.queued,
    );
  }
}
