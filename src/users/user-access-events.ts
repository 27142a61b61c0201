import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';

/**
 * "These users just lost access", heard by every process over Redis pub/sub, so each drops what it
 * cached about their tokens at once instead of when its cache expires.
 */
@Injectable()
export class UserAccessEvents implements OnModuleDestroy {
  private readonly channel: string;
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = `${config.queuePrefix}:userAccessRevoked`;
  }

  async publishRevoked(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    this.publisher ??= new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3 });
    await this.publisher.publish(this.channel, JSON.stringify(userIds));
  }

  onRevoked(listener: (userIds: number[]) => void): void {
    this.subscriber ??= new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    void this.subscriber.subscribe(this.channel).catch(() => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) listener(JSON.parse(message) as number[]);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)));
  }
}
