import { Inject, Injectable } from '@nestjs/common';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { logFailure } from '../common/log-failure';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { RedisClients } from '../redis/redis-clients';

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
export class JobUpdatesPubSub {
  readonly pubsub: RedisPubSub;
  readonly channel: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    redis: RedisClients,
    @InjectPinoLogger(JobUpdatesPubSub.name) private readonly log: PinoLogger,
  ) {
    // RedisClients quits both connections at shutdown.
    this.pubsub = new RedisPubSub({ publisher: redis.command('updates-pub'), subscriber: redis.subscriber('updates-sub') });
    this.channel = `${config.queuePrefix}:jobUpdated`;
  }

  async publish(messages: JobUpdatedMessage[]): Promise<void> {
    // A lost notification only delays a subscriber's view; it must never fail the change itself.
    await Promise.all(messages.map((m) => this.pubsub.publish(this.channel, m).catch(logFailure(this.log, 'could not publish a job update', { channel: this.channel, jobId: m.jobId }))));
  }

  iterator(): AsyncIterator<JobUpdatedMessage> {
    return this.pubsub.asyncIterator<JobUpdatedMessage>(this.channel);
  }
}
