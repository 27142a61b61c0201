import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { RedisClients } from '../redis/redis-clients';
import { DomainError, ErrorCode } from '../common/domain-error';
import { addressBlock } from '../common/client-address';

/**
 * One atomic step: count this attempt and start the window at the first one. Returns the count
 * including this attempt and the seconds left in the window. A separate read then write would let N
 * parallel attempts all read "below the limit" before any of them is counted.
 */
const RESERVE = `
local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('TTL', KEYS[1]) }`;

/** Gives back one reservation, never below zero and never creating a key the window has expired. */
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

type Limit = 'maxFailuresPerUser' | 'maxFailuresPerAddress';

/**
 * Login attempts counted per user and per client address in Redis (so every gateway replica shares
 * the counts), each in a fixed window that starts at the first attempt. An attempt is reserved (counted)
 * before the directory is asked and the count is its own answer, so parallel guesses cannot all slip
 * under the limit; over either limit, the login is refused with the time to wait. A successful login
 * clears the user's count and gives back its own reservation on the address: what stays counted are
 * failures, and attempts refused for being over a limit.
 *
 * Users are counted under the directory's own name for them (see LoginService), addresses under
 * `addressBlock` (an IPv6 client's /64).
 */
@Injectable()
export class LoginRateLimiter {
  private redis: Redis | null = null;
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redisClients: RedisClients,
  ) {
    this.prefix = `${config.queuePrefix}:login-failures`;
  }

  private get limits() {
    return this.config.site.directory!.loginRateLimit;
  }

  private client(): Redis {
    // Built on first use: a gateway without a directory never opens this connection.
    return (this.redis ??= this.redisClients.command('login-rate-limit'));
  }

  userKey(userKey: string): string {
    // A key is bounded whatever the name: LoginService refuses longer names, this keeps Redis safe regardless.
    return `${this.prefix}:user:${userKey.slice(0, 256)}`;
  }

  addressKey(address: string): string {
    return `${this.prefix}:addr:${addressBlock(address)}`;
  }

  private async reserve(key: string, max: number, limit: Limit, what: string): Promise<void> {
    const [count, ttl] = (await this.client().eval(RESERVE, 1, key, this.limits.windowSeconds)) as [number, number];
    if (count <= max) return;
    const retryAfterSeconds = Math.max(ttl, 1);
    throw new DomainError(ErrorCode.LIMIT_EXCEEDED, `too many failed logins for ${what}; try again in ${retryAfterSeconds} seconds`, { limit, retryAfterSeconds });
  }

  /** Counts an attempt from this address; LIMIT_EXCEEDED when it is over maxFailuresPerAddress. */
  reserveAddress(address: string): Promise<void> {
    return this.reserve(this.addressKey(address), this.limits.maxFailuresPerAddress, 'maxFailuresPerAddress', `address ${addressBlock(address)}`);
  }

  /**
   * Counts an attempt for this user (`key`: the directory's name for them, see login-name.ts;
   * `shown`: how the message names them); LIMIT_EXCEEDED when it is over maxFailuresPerUser.
   */
  reserveUser(key: string, shown: string): Promise<void> {
    return this.reserve(this.userKey(key), this.limits.maxFailuresPerUser, 'maxFailuresPerUser', `user ${JSON.stringify(shown.slice(0, 64))}`);
  }

  /** Gives back an address reservation for an attempt that tried nothing (the directory was unavailable). */
  async releaseAddress(address: string): Promise<void> {
    await this.client().eval(RELEASE, 1, this.addressKey(address));
  }

  /**
   * A successful login forgets the user's failures (not the address's: one good password must not
   * unlock guessing others) and gives back the address reservation it made.
   */
  async recordSuccess(key: string, address: string): Promise<void> {
    await Promise.all([this.client().del(this.userKey(key)), this.releaseAddress(address)]);
  }
}
