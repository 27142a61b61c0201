import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { logFailure } from '../common/log-failure';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { EngineRegistry } from '../engines/engine-registry';
import { JobQueueService } from '../queue/job-queue.service';
import { SubmitProcessor } from './processors';

/**
 * Starts the engines' own background work and, on timers of this process rather than repeatable
 * queue entries (those would vanish with a Redis flush), enqueues the periodic sync and sweep.
 * Several workers may run: queue job ids make each period's work run once.
 */
@Injectable()
export class WorkerSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engines: EngineRegistry,
    private readonly queue: JobQueueService,
    private readonly submit: SubmitProcessor,
    @InjectPinoLogger(WorkerSchedulerService.name) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.submit.worker.concurrency = this.config.submitConcurrency;
    for (const b of this.engines.all()) await b.start?.();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((e: Error) => this.log.warn({ err: e.message }, 'could not enqueue periodic work')), ms);
      this.timers.push(t);
    };
    for (const b of this.engines.all()) every(this.config.syncIntervalMs, () => this.queue.sync(b.name));
    every(this.config.sweepIntervalMs, () => this.queue.sweep());
    await this.queue.sweep().catch(logFailure(this.log, 'could not enqueue the start-up sweep; the periodic one will run'));
    const directory = this.config.site.directory;
    if (directory) {
      every(directory.syncIntervalSeconds * 1000, () => this.queue.directorySync());
      await this.queue.directorySync().catch(logFailure(this.log, 'could not enqueue the start-up directory sync; the periodic one will run'));
    }
    this.log.info({ engines: this.engines.all().map((b) => b.name) }, 'worker started');
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
