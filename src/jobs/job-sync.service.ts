import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EngineRegistry } from '../engines/engine-registry';
import type { TaskUpdate } from '../engines/engine';
import { isTerminal } from '../domain/job';
import { JobMetrics } from './job-metrics';
import { planJobChange } from './job-transitions';
import { JobUpdatesPubSub } from './job-updates.pubsub';
import { JobsRepository } from './jobs.repository';

/**
 * One status pass per engine: ONE batched engine call for all its live jobs (DESIGN.md §6.4), the
 * differences stored with their events, subscribers told. An engine error changes nothing: it is
 * never read as "job finished".
 */
@Injectable()
export class JobSyncService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly engines: EngineRegistry,
    private readonly updates: JobUpdatesPubSub,
    private readonly metrics: JobMetrics,
    @InjectPinoLogger(JobSyncService.name) private readonly log: PinoLogger,
  ) {}

  /** Returns how many jobs changed, and whether any started or ended (dependents may now be eligible). */
  async sync(engine: string): Promise<{ changed: number; progressed: boolean }> {
    const live = await this.jobs.findLive(engine);
    if (live.length === 0) return { changed: 0, progressed: false };
    const client = this.engines.get(engine);
    let updates: TaskUpdate[];
    try {
      updates = await this.metrics.time(engine, 'syncAll', () => client.syncAll(live.map((j) => ({ jobId: j.id, ref: j.engineRef as string, openTasks: j.tasks.filter((t) => !isTerminal(t.state)).map((t) => t.index) }))));
    } catch (e) {
      this.log.warn({ engine, err: (e as Error).message }, 'status pass failed; nothing changed');
      return { changed: 0, progressed: false };
    }
    const byJob = new Map<number, TaskUpdate[]>();
    for (const u of updates) byJob.set(u.jobId, [...(byJob.get(u.jobId) ?? []), u]);

    let changed = 0;
    let progressed = false;
    const published: { jobId: number; userId: number }[] = [];
    for (const job of live) {
      const change = planJobChange(job, byJob.get(job.id) ?? [], `engine:${engine}`);
      if (!change) continue;
      await this.jobs.apply(change);
      changed++;
      published.push({ jobId: job.id, userId: job.userId });
      const newState = change.job?.state as string | undefined;
      if (newState && (newState === 'RUNNING' || isTerminal(newState as never))) progressed = true;
      for (const e of change.events ?? []) this.log.info({ jobId: job.id, arrayIndex: e.arrayIndex, from: e.fromState, to: e.toState, reason: e.reason }, 'job state');
    }
    await this.updates.publish(published);
    return { changed, progressed };
  }
}
