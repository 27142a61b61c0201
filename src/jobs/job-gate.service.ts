import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EngineRegistry } from '../engines/engine-registry';
import { JobQueueService } from '../queue/job-queue.service';
import { decideGate, dependencyIds } from './dependency-gate';
import { JobUpdatesPubSub } from './job-updates.pubsub';
import { JobsRepository, storedSpec } from './jobs.repository';
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
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly updates: JobUpdatesPubSub,
    private readonly limits: LimitsService,
    private readonly engines: EngineRegistry,
    @InjectPinoLogger(JobGateService.name) private readonly log: PinoLogger,
  ) {}

  async evaluate(now = new Date()): Promise<number> {
    const waiting = await this.jobs.findWaiting(BATCH);
    if (waiting.length === 0) return 0;
    const deps = new Map((await this.jobs.findForDependencies([...new Set(waiting.flatMap((j) => dependencyIds(storedSpec(j))))])).map((d) => [d.id, d]));
    const released: number[] = [];
    const published: { jobId: number; userId: number }[] = [];
    for (const job of waiting) {
      const spec = storedSpec(job);
      const singleton = spec.dependency?.items.some((i) => i.type === 'singleton') ? await this.jobs.hasEarlierUnfinished(job.userId, job.name, job.id) : false;
      let decision = decideGate({ state: job.state, spec }, deps, singleton, now, this.nativeEngine(job.engine));
      // A per-user running cap keeps an otherwise eligible job here; dispatch re-checks under a lock.
      const limited = decision.kind === 'eligible' && this.limits.hasRunningLimits(job.user.groups) ? await this.limits.blockedNow(job.userId, job.user.groups, footprintOfJob(job)) : null;
      if (limited) decision = { kind: 'wait', reason: limited };
      if (decision.kind === 'eligible') {
        const ok = await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['WAITING'], job: { submitStatus: 'READY', reason: 'QueuedInGateway', eligibleTime: now } });
        if (ok) released.push(job.id);
      } else if (decision.reason !== job.reason) {
        await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['WAITING'], job: { reason: decision.reason } });
      } else continue;
      published.push({ jobId: job.id, userId: job.userId });
    }
    if (released.length) this.log.info({ jobIds: released }, 'dependencies satisfied; jobs eligible');
    await this.queue.submit(released);
    await this.updates.publish(published);
    return released.length;
  }

  /** The job's engine when it enforces dependencies between its own jobs (see dependency-gate.ts). */
  private nativeEngine(engine: string): string | null {
    return this.engines.get(engine).nativeDependencies ? engine : null;
  }
}
