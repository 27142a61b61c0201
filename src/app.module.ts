import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { EnginesModule } from './engines/engines.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/load-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PartitionsModule } from './partitions/partitions.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { UsersModule } from './users/users.module';

/** What the API and the worker share (DESIGN.md §1: one image, two entry points). */
function core(config: AppConfig) {
  // RedisModule before QueueModule: Nest runs shutdown hooks of modules at the same depth in reverse
  // order, so BullMQ's workers close before the Redis clients a finishing job publishes on.
  return [ConfigModule.forRoot(config), LoggingModule.forRoot(), DatabaseModule, RedisModule, QueueModule, EnginesModule, MetricsModule, UsersModule, AuthModule, PartitionsModule, JobsModule, HealthModule];
}

/*
 * Each role's own modules are required when that role is built, not imported above: the worker then
 * never loads GraphQL, Apollo and the resolvers, nor the API the queue consumers (about a second of a
 * process's start on a loaded 2-core machine; bench/restart.ts).
 */
@Module({})
export class AppModule {
  /** The gateway API: GraphQL, health, metrics. */
  static api(config: AppConfig): DynamicModule {
    const { ApiModule } = require('./api.module') as typeof import('./api.module');
    return { module: AppModule, imports: [...core(config), ApiModule] };
  }

  /** The worker: queue consumers, engines' background work, health and metrics. */
  static worker(config: AppConfig): DynamicModule {
    const { WorkerModule } = require('./worker/worker.module') as typeof import('./worker/worker.module');
    return { module: AppModule, imports: [...core(config), WorkerModule] };
  }
}
