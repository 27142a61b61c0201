import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';

/** What every replica hears when a job changes; subscribers load the job themselves. */
export interface JobUpdatedMessage {
  jobId: number;
  userId: number;
}

/**
 * Job updates over Redis pub/sub, so a `jobUpdated` subscriber on any gateway replica hears
 * changes made by any worker or replica (an in-memory PubSub would break with two replicas).
 */
@Injectable()
export class JobUpdatesPubSub implements OnModuleDestroy {
  readonly pubsub: RedisPubSub;
  readonly channel: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const options = { lazyConnect: false, maxRetriesPerRequest: null };
    this.pubsub = new RedisPubSub({ publisher: new Redis(config.redisUrl, options), subscriber: new Redis(config.redisUrl, options) });
    this.channel = `${config.queuePrefix}:jobUpdated`;
  }

  async publish(messages: JobUpdatedMessage[]): Promise<void> {
    // A lost notification only delays a subscriber's view; it must never fail the change itself.
    await Promise.all(messages.map((m) => this.pubsub.publish(this.channel, m).catch(() => undefined)));
  }

  iterator(): AsyncIterator<JobUpdatedMessage> {
    return this.pubsub.asyncIterator<JobUpdatedMessage>(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pubsub.close();
  }
}
