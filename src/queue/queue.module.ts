import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { RedisClients } from '../redis/redis-clients';
import { JobQueueService } from './job-queue.service';
import { Queues } from './queues';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, RedisClients],
      useFactory: (config: AppConfig, redis: RedisClients) => ({ connection: redis.bullmq(), prefix: config.queuePrefix }),
    }),
    BullModule.registerQueue(...Object.values(Queues).map((name) => ({ name }))),
  ],
  providers: [JobQueueService],
  exports: [JobQueueService, BullModule],
})
export class QueueModule {}
