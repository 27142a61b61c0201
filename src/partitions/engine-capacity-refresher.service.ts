import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { EngineRegistry } from '../engines/engine-registry';
import { EngineCapacityRepository } from './engine-capacity.repository';

/**
 * Worker side: asks every engine for its partitions (sinfo, nodes, ...) once at start and then every
 * capacity interval, and stores the answer for the API. An engine that does not answer keeps its last
 * stored capacity, which the API shows with its age (and as `unknown` once too old).
 * Several workers each refresh: the rows are idempotent upserts, and the cost is one sinfo per worker per interval.
 */
@Injectable()
export class EngineCapacityRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engines: EngineRegistry,
    private readonly capacity: EngineCapacityRepository,
    @InjectPinoLogger(EngineCapacityRefresher.name) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.capacityIntervalMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over all engines; a pass still running (a slow sinfo over SSH) is not started again. */
  refresh(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    await Promise.all(
      this.engines.all().map(async (b) => {
        try {
          const partitions = await b.describe();
          await this.capacity.store(b.name, partitions, new Date());
        } catch (e) {
          this.log.warn({ engine: b.name, err: (e as Error).message }, 'could not refresh the engine\'s partition capacity; the API shows the last one with its age');
        }
      }),
    );
  }
}
