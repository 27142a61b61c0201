import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { storedRoute } from './job-route';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EngineRegistry } from '../engines/engine-registry';
import { JobQueueService } from '../queue/job-queue.service';
import { type GateDecision, decideGate, dependencyIds } from './dependency-gate';
import { JobLifecycle } from './job-lifecycle';
import { type JobRow, JobsRepository, storedSpec } from './jobs.repository';
import { LimitsService } from '../limits/limits.service';
import { footprintOfJob } from '../limits/job-footprint';

const BATCH = 5000;

/**
 * Moves jobs waiting in the gateway (hold, --begin, --dependency) to READY when their time comes; on an
 * engine that enforces dependencies itself, as soon as the jobs they depend on are in that engine.
 */
@Injectable()
export class JobGateService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly lifecycle: JobLifecycle,
    private readonly limits: LimitsService,
    private readonly engines: EngineRegistry,
    @InjectPinoLogger(JobGateService.name) private readonly log: PinoLogger,
  ) {}

  async evaluate(now = new Date()): Promise<number> {
    const waiting = await this.jobs.findWaiting(BATCH);
    if (waiting.length === 0) return 0;
    const deps = new Map((await this.jobs.findForDependencies([...new Set(waiting.flatMap((j) => dependencyIds(storedSpec(j))))])).map((d) => [d.id, d]));
    const decisions: { job: JobRow; decision: GateDecision }[] = [];
    for (const job of waiting) {
      const spec = storedSpec(job);
      const singleton = spec.dependency?.items.some((i) => i.type === 'singleton') ? await this.jobs.hasEarlierUnfinished(job.userId, job.name, job.id) : false;
      let decision: GateDecision = decideGate({ state: job.state, spec }, deps, singleton, now, this.nativeEngine(job));
      // A per-user running cap keeps an otherwise eligible job here; dispatch re-checks under a lock.
      const limited = decision.kind === 'eligible' && this.limits.hasRunningLimits(job.user.groups) ? await this.limits.blockedNow(job.userId, job.user.groups, footprintOfJob(job)) : null;
      if (limited) decision = { kind: 'wait', reason: limited };
      decisions.push({ job, decision });
    }
    const released = await this.lifecycle.gate(decisions, now);
    if (released.length) this.log.info({ jobIds: released }, 'dependencies satisfied; jobs eligible');
    await this.queue.submit(released);
    return released.length;
  }

  /**
   * The job's engine when it enforces dependencies between its own jobs (see dependency-gate.ts). A job whose
   * partitions span engines (issue 17) may go to any of them: the gateway waits for the outcomes itself, so
   * `afterok` on a job of another engine means what it means on one.
   */
  private nativeEngine(job: JobRow): string | null {
    const route = storedRoute(job);
    if (route && new Set(route.partitions.map((p) => this.config.partitions.find((c) => c.name === p)?.engine)).size > 1) return null;
    return this.engines.get(job.engine).nativeDependencies ? job.engine : null;
  }
}
