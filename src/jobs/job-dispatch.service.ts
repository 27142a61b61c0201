import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { EngineRegistry } from '../engines/engine-registry';
import { EngineRefusedError, EngineUnavailableError } from '../engines/engine-errors';
import { Reason, isTerminal } from '../domain/job';
import { JobMetrics } from './job-metrics';
import { JobLifecycle } from './job-lifecycle';
import { JobRouter } from './job-router.service';
import { type JobRow, JobsRepository, storedSpec } from './jobs.repository';
import { ownerOf, storedToEngineJob } from './engine-job';
import { dependencyIds, nativeDependency } from './dependency-gate';
import type { EngineJob, NativeDependency } from '../engines/engine';
import { LimitsService } from '../limits/limits.service';
import { footprintOfJob } from '../limits/job-footprint';

/**
 * Hands eligible jobs to their engine exactly once (DESIGN.md §6.3): the attempt is recorded before
 * the engine is called, and any later attempt first asks the engine for a submission tagged with the
 * job id and nonce and owned by the job's owner, so a crash between "engine accepted" and "database
 * updated" never makes a second job, and a job someone else tagged is never taken for it.
 */
@Injectable()
export class JobDispatchService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly engines: EngineRegistry,
    private readonly lifecycle: JobLifecycle,
    private readonly metrics: JobMetrics,
    private readonly limits: LimitsService,
    private readonly router: JobRouter,
    @InjectPinoLogger(JobDispatchService.name) private readonly log: PinoLogger,
  ) {}

  async dispatch(jobId: number): Promise<void> {
    let job = await this.jobs.findById(jobId);
    if (!job || job.submitStatus !== 'READY' || isTerminal(job.state)) return;
    if (this.router.needsPlacing(job)) {
      if (!(await this.router.place(job))) return;
      job = await this.jobs.findById(jobId);
      if (!job || job.submitStatus !== 'READY') return;
    }
    const placed = job.partition;
    const partition = this.config.partitions.find((p) => p.name === placed);
    if (!partition) {
      await this.refused(job, `partition ${job.partition} is no longer configured`);
      return;
    }
    const engine = this.engines.get(job.engine);
    try {
      const admission = await this.lifecycle.beginAttempt(job, this.limits.admission(jobId, job.userId, job.user.groups, footprintOfJob(job)));
      // Gone from READY meanwhile, or over a running cap: back to the gateway's gate, which releases it when the user's jobs leave room.
      if (!admission || 'waitReason' in admission) return;
      const { attempt } = admission;
      // Only a submission with this job's nonce and owner is adopted (the engines' findByTag, reconcile-tag.ts).
      const tagged = { id: jobId, nonce: job.submitNonce, owner: ownerOf(job.user), name: job.name, submittedAt: job.submitTime };
      let ref = attempt > 1 ? await this.metrics.time(engine.name, 'findByTag', () => engine.findByTag(tagged)) : null;
      if (ref) this.log.info({ jobId, ref, attempt }, 'reconciled: the engine already has this job');
      let sent: EngineJob | null = null;
      if (!ref) {
        const dependency = engine.nativeDependencies ? await this.nativeDependency(job) : null;
        const submitted = (sent = storedToEngineJob(job, partition, dependency));
        ref = await this.metrics.time(engine.name, 'submit', () => engine.submit(submitted));
      }
      if (this.config.fault === 'crash-after-engine-submit') {
        this.log.fatal({ jobId, ref }, 'fault injection: crashing between engine submit and database update');
        process.kill(process.pid, 'SIGKILL');
      }
      if (!(await this.lifecycle.engineAccepted(job, ref))) {
        // Cancelled (or held) while we were submitting: the engine must not keep it.
        this.log.info({ jobId, ref }, 'job changed during submission; cancelling it in the engine');
        await engine.cancel(ref, jobId, null);
        await this.lifecycle.engineAcceptedAfterCancel(job, ref);
        return;
      }
      // What the engine had to leave out of the job (a job adopted after a crash: built again to say it).
      for (const note of engine.notes?.(sent ?? storedToEngineJob(job, partition, null)) ?? []) await this.lifecycle.note(job, note, `engine:${engine.name}`);
      this.log.info({ jobId, ref, engine: engine.name }, 'submitted to engine');
    } catch (e) {
      // DESIGN.md §6.4, decided by class only: a refusal no retry can change (a bad request, an owner the
      // engine will not run as: DESIGN.md §4) fails the job with the engine's message.
      if (e instanceof EngineRefusedError) {
        await this.refused(job, e.message);
        return;
      }
      if (e instanceof EngineUnavailableError) {
        const now = new Date();
        // A job with other partitions moves on once its engine has been unreachable long enough (issue 17),
        // and is dispatched there at once: a later attempt reconciles with that engine like any retry.
        const since = job.unavailableSince ?? now;
        if (now.getTime() - since.getTime() >= this.config.routing.moveAfterMs) {
          const why = `engine ${engine.name} unreachable since ${since.toISOString()} (${e.message.slice(0, 200)})`;
          if (await this.router.moveOn(job, why, engine.name, now)) return this.dispatch(jobId);
        }
        // Nothing fails that could still succeed: stay PENDING and let the queue retry with backoff.
        await this.lifecycle.engineUnavailable(job, e.reason ?? Reason.EngineUnavailable, now);
        this.log.warn({ jobId, engine: engine.name, err: e.message }, 'engine unavailable; will retry');
        throw e;
      }
      // Unknown is not a refusal: the job keeps its state and the queue retries it with backoff.
      this.log.error({ jobId, engine: engine.name, attempt: job.submitAttempts, err: e }, 'unexpected error while submitting; will retry');
      throw e;
    }
  }

  /** Carries a cancel to the engine; the next status pass records CANCELLED. */
  async cancelInEngine(jobId: number, arrayIndex: number | null): Promise<void> {
    const job = await this.jobs.findById(jobId);
    if (!job?.engineRef || isTerminal(job.state)) return;
    const engine = this.engines.get(job.engine);
    await this.metrics.time(engine.name, 'cancel', () => engine.cancel(job.engineRef as string, jobId, arrayIndex));
    this.log.info({ jobId, arrayIndex, engine: engine.name }, 'cancel sent to engine');
  }

  /**
   * A job that moved away from an engine an attempt of it may have reached (issue 17): once that engine
   * answers, a copy of the job it holds (found by the job's tag, like any reconciliation) is cancelled, so
   * the job runs once, where it moved to. An engine still unreachable is asked again at the next sweep.
   */
  async reconcileMoved(jobId: number): Promise<void> {
    const job = await this.jobs.findById(jobId);
    if (!job) return;
    for (const name of job.leftEngines) {
      const engine = this.engines.all().find((e) => e.name === name);
      if (!engine || name === job.engine) {
        await this.lifecycle.leftEngineChecked(job, name, null);
        continue;
      }
      try {
        const ref = await this.metrics.time(name, 'findByTag', () => engine.findByTag({ id: job.id, nonce: job.submitNonce, owner: ownerOf(job.user), name: job.name, submittedAt: job.submitTime }));
        if (ref) await this.metrics.time(name, 'cancel', () => engine.cancel(ref, job.id, null));
        if (ref) this.log.warn({ jobId, engine: name, ref }, 'a copy of a moved job reached the engine it left; cancelled');
        await this.lifecycle.leftEngineChecked(job, name, ref ? `a copy in engine ${name} (${ref}) from before the move was cancelled` : null);
      } catch (e) {
        this.log.info({ jobId, engine: name, err: (e as Error).message }, 'engine the job left still unreachable; asked again at the next sweep');
      }
    }
  }

  /** What the engine itself must wait for: the gate released the job once those jobs had their engine refs. */
  private async nativeDependency(job: JobRow): Promise<NativeDependency | null> {
    const spec = storedSpec(job);
    const ids = dependencyIds(spec);
    if (ids.length === 0) return null;
    const deps = new Map((await this.jobs.findForDependencies(ids)).map((d) => [d.id, d]));
    return nativeDependency(spec, deps, new Date(), job.engine);
  }

  /**
   * The engine refused the job for good (e.g. configuration changed since it was accepted): a job with
   * another partition after this one moves there and is dispatched again; any other FAILS.
   */
  private async refused(job: JobRow, why: string): Promise<void> {
    // A refusal means the engine did not take the job: no copy of it to fear there.
    if (await this.router.moveOn(job, `refused in ${job.partition}: ${why}`, null)) return this.dispatch(job.id);
    await this.lifecycle.engineRefused(job, why);
    this.log.warn({ jobId: job.id, why }, 'engine refused job');
  }
}
