import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EngineRegistry } from '../engines/engine-registry';
import type { TaskUpdate } from '../engines/engine';
import { type JobState, isTerminal } from '../domain/job';
import { JobMetrics } from './job-metrics';
import { JobLifecycle } from './job-lifecycle';
import { JobsRepository } from './jobs.repository';

/**
 * One status pass per engine: ONE batched engine call for all its live jobs (DESIGN.md §6.4), what it
 * reports handed to JobLifecycle.observe (stored in one transaction, subscribers told). An engine error changes nothing: it is
 * never read as "job finished".
 */
@Injectable()
export class JobSyncService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly engines: EngineRegistry,
    private readonly lifecycle: JobLifecycle,
    private readonly metrics: JobMetrics,
    @InjectPinoLogger(JobSyncService.name) private readonly log: PinoLogger,
  ) {}

  /** Returns how many jobs changed, and whether any started or ended (dependents may now be eligible). */
  async sync(engine: string): Promise<{ changed: number; progressed: boolean }> {
    const live = await this.jobs.findLive(engine);
    if (live.length === 0) {
      this.metrics.synced(engine);
      return { changed: 0, progressed: false };
    }
    const client = this.engines.get(engine);
    let updates: TaskUpdate[];
    try {
      updates = await this.metrics.time(engine, 'syncAll', () => client.syncAll(live.map((j) => ({ jobId: j.id, ref: j.engineRef as string, openTasks: j.tasks.filter((t) => !isTerminal(t.state)).map((t) => t.index) }))));
    } catch (e) {
      this.log.warn({ engine, err: (e as Error).message }, 'status pass failed; nothing changed');
      return { changed: 0, progressed: false };
    }
    const changes = await this.lifecycle.observe(engine, live, updates);
    this.metrics.synced(engine);
    const progressed = changes.some((c) => c.job?.state === 'RUNNING' || isTerminal(c.job?.state as JobState));
    return { changed: changes.length, progressed };
  }
}
