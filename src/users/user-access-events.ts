import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { RedisClients } from '../redis/redis-clients';

/**
 * "These users just lost access", heard by every process over Redis pub/sub, so each drops what it
 * cached about their tokens at once instead of when its cache expires.
 */
@Injectable()
export class UserAccessEvents {
  private readonly channel: string;
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly redis: RedisClients,
    @InjectPinoLogger(UserAccessEvents.name) private readonly log: PinoLogger,
  ) {
    this.channel = `${config.queuePrefix}:userAccessRevoked`;
  }

  async publishRevoked(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    this.publisher ??= this.redis.command('access-events-pub');
    await this.publisher.publish(this.channel, JSON.stringify(userIds));
  }

  onRevoked(listener: (userIds: number[]) => void): void {
    this.subscriber ??= this.redis.subscriber('access-events-sub');
    // A subscriber connection waits for Redis, so this fails only when the connection is gone for
    // good: this process would then keep cached tokens of revoked users until the cache expires.
    void this.subscriber.subscribe(this.channel).catch((e: Error) => this.log.error({ channel: this.channel, err: e.message }, 'could not subscribe to access revocations; cached tokens live until they expire'));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) listener(JSON.parse(message) as number[]);
    });
  }
}
