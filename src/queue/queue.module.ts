import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { JobQueueService } from './job-queue.service';
import { Queues } from './queues';

export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; they must not give up while Redis restarts.
    maxRetriesPerRequest: null,
  };
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ connection: redisConnection(config.redisUrl), prefix: config.queuePrefix }),
    }),
    BullModule.registerQueue(...Object.values(Queues).map((name) => ({ name }))),
  ],
  providers: [JobQueueService],
  exports: [JobQueueService, BullModule],
})
export class QueueModule {}
