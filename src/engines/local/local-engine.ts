import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { DomainError, ErrorCode, notFound } from '../../common/domain-error';
import { Engine, EngineHealth, EngineJob, LiveJobRef, OutputChunk, OutputRequest, PartitionCapacity, TaggedJob, TaskUpdate } from '../engine';
import { EngineUnavailableError, translatedOrRefused } from '../engine-errors';
import { adoptTagged } from '../reconcile-tag';
import { cancelTasks } from './cancel-tasks';
import { Executor } from './executor';
import { JobRecord, JobStore } from './job-store';
import type { LaunchPlan } from './launch-plan';
import type { LocalEngineOptions } from './local-engine-options';
import { readOutputChunk } from './output-reader';
import type { LocalHost } from './resource-request';
import type { WorkerIdentity } from './run-as';
import { installSrunShim, srunDir } from './srun-shim';
import { assertReachableByJobOwners } from './state-dir-access';
import { bindStateDir } from './state-dir-identity';
import { parseRef } from './state-layout';
import { syncJobTasks } from './sync-tasks';
import { missingJobUpdate } from '../shared/missing-job';
import { singleTask } from './task-selection';
import { TranslateContext, translateJob } from './translate-job';
import { DEFAULT_SECURITY } from '../../users/unix-identity';

export type { LocalEngineOptions } from './local-engine-options';

/**
 * The embedded default engine (DESIGN.md §2 "Engines"): a single-host batch executor whose whole state
 * lives in files under `stateDir`, so the API, any number of workers and restarts of either all see the
 * same jobs. Only the worker calls `start()`; one process per state directory actually runs the loop.
 */
export class LocalEngine implements Engine {
  readonly kind = 'local';
  readonly name: string;

  private readonly store: JobStore;
  private readonly executor: Executor;
  private readonly host: LocalHost;
  private readonly hostname = hostname().split('.')[0];
  private readonly worker: WorkerIdentity;
  private readonly loginShell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  private stateDirReady = false;

  constructor(private readonly opts: LocalEngineOptions) {
    if (!Number.isInteger(opts.slots) || opts.slots < 1) throw new Error(`local engine ${opts.name}: slots must be a positive integer, got ${opts.slots}`);
    if (!(opts.killWaitSeconds >= 0)) throw new Error(`local engine ${opts.name}: killWaitSeconds must be >= 0, got ${opts.killWaitSeconds}`);
    if (!(opts.pollIntervalMs > 0)) throw new Error(`local engine ${opts.name}: pollIntervalMs must be > 0, got ${opts.pollIntervalMs}`);
    this.name = opts.name;
    this.host = { engine: opts.name, slots: opts.slots, memoryMB: Math.floor(totalmem() / 2 ** 20) };
    const me = userInfo();
    this.worker = { user: me.username, uid: me.uid, gid: me.gid, home: me.homedir };
    this.store = new JobStore(opts.stateDir);
    this.executor = new Executor({
      stateDir: opts.stateDir,
      slots: opts.slots,
      pollIntervalMs: opts.pollIntervalMs,
      logger: opts.logger,
      store: this.store,
    });
  }

  /** Whether this instance runs the executor loop right now (false on standby behind another process). */
  get isExecutor(): boolean {
    return this.executor.isExecutor;
  }

  translate(job: EngineJob): LaunchPlan {
    return translateJob(job, this.translateContext());
  }

  async submit(job: EngineJob): Promise<string> {
    this.prepareStateDir();
    const ref = String(job.id);
    const existing = await this.store.read(job.id);
    if (existing) {
      assertSameJob(existing, job, this.name, this.opts.stateDir);
      return ref;
    }
    const plan = translatedOrRefused(this.name, job.id, () => this.translate(job));
    let created: boolean;
    try {
      created = await this.store.create(job, plan);
    } catch (e) {
      throw new EngineUnavailableError(this.name, `cannot write job ${job.id} to ${this.opts.stateDir}: ${(e as Error).message}`);
    }
    if (created) this.opts.logger.info({ jobId: job.id, tasks: plan.tasks.length, slots: plan.slots, runAs: plan.runAs?.user ?? null }, 'job queued on local engine');
    return ref;
  }

  /**
   * The record written for this job id counts as this job's only with the job's nonce and owner: a state
   * directory shared with another gateway database (or older records) must not make the gateway adopt them.
   */
  async findByTag(job: TaggedJob): Promise<string | null> {
    this.prepareStateDir();
    const record = await this.store.read(job.id);
    if (!record) return null;
    const candidate = { ref: String(job.id), nonce: record.job.nonce ?? null, owner: record.job.owner.username };
    return adoptTagged(job, [candidate], { engine: this.name, expectedOwner: job.owner.username, logger: this.opts.logger });
  }

  async cancel(ref: string, jobId: number, arrayIndex: number | null): Promise<void> {
    this.prepareStateDir();
    const record = await this.store.read(parseRef(ref, jobId));
    // Never reached the engine: nothing is running, so nothing to stop.
    if (!record) return;
    await cancelTasks(this.opts.stateDir, record, arrayIndex);
    this.opts.logger.info({ jobId, arrayIndex }, 'cancel requested on local engine');
  }

  async syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]> {
    this.prepareStateDir();
    const updates: TaskUpdate[] = [];
    for (const { jobId, ref } of refs) {
      const record = await this.readForSync(jobId, ref);
      if (record) updates.push(...(await syncJobTasks(this.opts.stateDir, record, this.hostname, this.opts.logger)));
      else updates.push(missingJobUpdate(jobId, `job ${jobId} (ref "${ref}") is not in the state directory of engine ${this.name} (${this.opts.stateDir})`));
    }
    return updates;
  }

  async output(ref: string, jobId: number, request: OutputRequest): Promise<OutputChunk> {
    this.prepareStateDir();
    const record = await this.store.read(parseRef(ref, jobId));
    if (!record) throw notFound(`job ${jobId} is not known to engine ${this.name}`, { jobId });
    const task = singleTask(record, request.arrayIndex);
    const path = request.stream === 'stdout' ? task.stdout : task.stderr;
    // Without -e, stderr went into the output file: it has no stream of its own to show.
    if (path === null) return { path: task.stdout, data: '', nextOffset: 0, size: 0 };
    // The uid the job ran as (its owner's): never skipped, so a job cannot point -o at someone else's file.
    return readOutputChunk(path, request, record.plan.runAs?.uid ?? record.plan.uid);
  }

  async describe(): Promise<PartitionCapacity[]> {
    return [
      {
        name: this.name,
        state: 'up',
        nodes: 1,
        cpus: this.opts.slots,
        memoryMB: this.host.memoryMB,
        gpus: 0,
        maxTimeMinutes: -1,
        nodeNames: [this.hostname],
      },
    ];
  }

  async health(): Promise<EngineHealth> {
    const probe = join(this.opts.stateDir, `.health-${process.pid}`);
    try {
      this.prepareStateDir();
      writeFileSync(probe, new Date().toISOString());
      rmSync(probe, { force: true });
    } catch (e) {
      return { ok: false, detail: `state directory ${this.opts.stateDir} is not writable: ${(e as Error).message}` };
    }
    const executor = this.executor.isExecutor ? `executor running in this process (pid ${process.pid})` : 'executor not running in this process';
    return { ok: true, detail: `state directory ${this.opts.stateDir} writable; ${executor}` };
  }

  async start(): Promise<void> {
    this.prepareStateDir();
    this.executor.start();
  }

  /** Stops the loop and releases the executor lock; running jobs keep running. */
  async stop(): Promise<void> {
    await this.executor.stop();
  }

  private translateContext(): TranslateContext {
    return {
      host: this.host,
      hostname: this.hostname,
      stateDir: this.opts.stateDir,
      srunDir: srunDir(this.opts.stateDir),
      killWaitSeconds: this.opts.killWaitSeconds,
      clusterName: this.opts.clusterName,
      worker: this.worker,
      loginShell: this.loginShell,
      security: this.opts.security ?? DEFAULT_SECURITY,
    };
  }

  /**
   * Checked before the first use of the state directory in this process (and again after a failure): it
   * must be this database's and reachable by the job owners. Refused otherwise: the worker does not start,
   * and the API answers UNAVAILABLE with the reason.
   */
  private prepareStateDir(): void {
    if (this.stateDirReady) return;
    const dir = this.opts.stateDir;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o711 });
      // A root worker runs jobs as their owners, whose shells must reach their script inside (search only, no listing).
      if (this.worker.uid === 0) {
        chmodSync(dir, (statSync(dir).mode & 0o7777) | 0o111);
        assertReachableByJobOwners(dir);
      }
      const binding = bindStateDir(dir, this.opts.databaseId);
      if (binding.kind === 'adopted' && binding.jobs > 0) {
        this.opts.logger.warn({ stateDir: dir, databaseId: this.opts.databaseId, jobs: binding.jobs }, 'local state directory from before database ids were recorded; adopted for this database');
      } else if (binding.kind === 'adopted') {
        this.opts.logger.info({ stateDir: dir, databaseId: this.opts.databaseId }, 'local state directory bound to this database');
      }
      installSrunShim(dir);
    } catch (e) {
      throw new EngineUnavailableError(this.name, `state directory ${dir} is not usable: ${(e as Error).message}`);
    }
    this.stateDirReady = true;
  }

  private async readForSync(jobId: number, ref: string): Promise<JobRecord | null> {
    try {
      return await this.store.read(parseRef(ref, jobId));
    } catch (e) {
      if (e instanceof DomainError) return null;
      throw e;
    }
  }
}

/**
 * Resubmitting a job that is already here is a retry and returns the same ref; a different job under the
 * same id means the state directory outlived its database (or is shared by two gateways): never run or
 * report the old job in the new one's place.
 */
function assertSameJob(existing: JobRecord, job: EngineJob, engine: string, stateDir: string): void {
  const old = existing.job;
  // Records written before jobs had a nonce are compared by what they hold.
  const sameNonce = old.nonce === undefined || old.nonce === job.nonce;
  if (sameNonce && old.owner.username === job.owner.username && old.spec.name === job.spec.name && old.spec.script === job.spec.script) return;
  throw new DomainError(
    ErrorCode.CONFLICT,
    `engine ${engine} already holds a different job ${job.id} (${old.spec.name}, owner ${old.owner.username}, submitted ${existing.submittedAt}): its state directory ${stateDir} belongs to another gateway database`,
    { engine, jobId: job.id, stateDir },
  );
}
