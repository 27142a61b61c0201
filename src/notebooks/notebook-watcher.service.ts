import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { NotebookStateService } from './notebook-state.service';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';

/** At most this long between passes over all live notebooks (the start timeout's resolution). */
const MAX_SWEEP_MS = 2000;

/**
 * In the worker: a notebook follows its job the moment the job sync publishes the job's change (so a
 * job that dies before registering is FAILED within one sync), and a periodic pass over all live
 * notebooks catches lost notifications and applies startTimeout.
 */
@Injectable()
export class NotebookWatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private subscription: number | null = null;
  private sweeping = false;
  /** Jobs changed since the last look: a burst of job changes (a sync of thousands) costs one query. */
  private changed = new Set<number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly state: NotebookStateService,
    private readonly updates: NotebookUpdatesPubSub,
    @InjectPinoLogger(NotebookWatcherService.name) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.updates.onJobUpdated((m) => {
      if (this.changed.size === 0) setImmediate(() => void this.followJobs());
      this.changed.add(m.jobId);
    });
    this.timer = setInterval(() => void this.sweep(), Math.min(MAX_SWEEP_MS, this.config.syncIntervalMs * 2));
  }

  private async followJobs(): Promise<void> {
    const jobIds = [...this.changed];
    this.changed.clear();
    await this.state.onJobsChanged(jobIds).catch((e: Error) => this.log.warn({ jobIds: jobIds.slice(0, 20), err: e.message }, 'could not update notebooks after their jobs changed'));
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.state.sweep();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'notebook pass failed');
    } finally {
      this.sweeping = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.subscription !== null) this.updates.jobs.pubsub.unsubscribe(this.subscription);
    this.subscription = null;
  }
}
