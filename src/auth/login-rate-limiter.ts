import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';

/**
 * Failed logins counted per user name and per client address in Redis (so every gateway replica
 * shares the counts), each in a fixed window that starts at the first failure. Over either limit,
 * logins are refused before the directory is asked, with the time to wait.
 */
@Injectable()
export class LoginRateLimiter implements OnModuleDestroy {
  private redis: Redis | null = null;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.prefix = `${config.queuePrefix}:login-failures`;
  }

  private get limits() {
    return this.config.site.directory!.loginRateLimit;
  }

  private keys(username: string, address: string): { key: string; max: number; what: string }[] {
    return [
      { key: `${this.prefix}:user:${username.toLowerCase().slice(0, 256)}`, max: this.limits.maxFailuresPerUser, what: `user ${JSON.stringify(username.slice(0, 64))}` },
      { key: `${this.prefix}:addr:${address}`, max: this.limits.maxFailuresPerAddress, what: `address ${address}` },
    ];
  }

  private client(): Redis {
    return (this.redis ??= new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3 }));
  }

  /** Throws LIMIT_EXCEEDED when this user name or address has failed too often lately. */
  async check(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    const counts = await this.client().mget(...keys.map((k) => k.key));
    for (const [i, k] of keys.entries()) {
      if (Number(counts[i] ?? 0) < k.max) continue;
      const ttl = await this.client().ttl(k.key);
      throw new DomainError(ErrorCode.LIMIT_EXCEEDED, `too many failed logins for ${k.what}; try again in ${Math.max(ttl, 1)} seconds`, {
        limit: k.key.includes(':user:') ? 'maxFailuresPerUser' : 'maxFailuresPerAddress',
        retryAfterSeconds: Math.max(ttl, 1),
      });
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const tx = this.client().multi();
    for (const k of this.keys(username, address)) tx.incr(k.key).expire(k.key, this.limits.windowSeconds, 'NX');
    await tx.exec();
  }

  /** A successful login forgets the user's failures (not the address's: one good password must not unlock guessing others). */
  async recordSuccess(username: string): Promise<void> {
    await this.client().del(this.keys(username, '')[0].key);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
