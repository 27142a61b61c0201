import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { logFailure } from '../common/log-failure';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';

/**
 * What a connection is for decides how it behaves while Redis is away; these are the only places
 * the options differ.
 * - command: a command fails after 3 reconnect attempts, so a caller gets an error instead of
 *   waiting for Redis indefinitely (every caller treats Redis as best-effort or fails the request).
 * - subscriber: waits as long as it takes; ioredis re-subscribes after reconnecting. No ready check:
 *   ioredis writes a SUBSCRIBE issued between "connect" and "ready" at once, and its ready check (INFO)
 *   then fails in subscriber mode, which drops the connection and rejects the SUBSCRIBE (seen at every
 *   worker start: access revocations were not heard).
 * - bullmq: BullMQ requires `maxRetriesPerRequest: null` (its workers block on Redis and must not
 *   give up while Redis restarts).
 */
const ROLE: Record<'command' | 'subscriber' | 'bullmq', RedisOptions> = {
  command: { maxRetriesPerRequest: 3 },
  subscriber: { maxRetriesPerRequest: null, enableReadyCheck: false },
  bullmq: { maxRetriesPerRequest: null },
};

/** `redis[s]://[user[:password]@]host[:port][/db]` as ioredis options. */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Builds every Redis client of the process from AppConfig.redisUrl. Each connection is named
 * `<queuePrefix>:<name>` (visible in CLIENT LIST); a connection's errors are logged once when it goes
 * down and once when it is back, not at every retry; every client built here is quit at shutdown.
 * BullMQ builds and closes its own connections from `bullmq()`.
 */
@Injectable()
export class RedisClients implements OnApplicationShutdown {
  private readonly clients: { name: string; client: Redis }[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(RedisClients.name) private readonly log: PinoLogger,
  ) {}

  /** A connection for ordinary commands (and PUBLISH). */
  command(name: string): Redis {
    return this.build(name, ROLE.command);
  }

  /** A connection in subscriber mode. */
  subscriber(name: string): Redis {
    return this.build(name, ROLE.subscriber);
  }

  /** Connection options for BullMQ's queues and workers (a worker's blocking connection gets BullMQ's own name). */
  bullmq(): RedisOptions {
    return { ...redisOptions(this.config.redisUrl), ...ROLE.bullmq, connectionName: this.connectionName('bullmq') };
  }

  private connectionName(name: string): string {
    return `${this.config.queuePrefix}:${name}`;
  }

  private build(name: string, options: RedisOptions): Redis {
    const client = new Redis({ ...redisOptions(this.config.redisUrl), ...options, connectionName: this.connectionName(name) });
    let down = false;
    client.on('error', (e: Error) => {
      if (down) return;
      down = true;
      this.log.warn({ connection: name, err: e.message }, 'redis connection failed; retrying');
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      this.log.info({ connection: name }, 'redis connection back');
    });
    this.clients.push({ name, client });
    return client;
  }

  /**
   * After BullMQ's workers have closed (they are shutdown hooks too, in modules Nest reaches first),
   * so a job finishing during shutdown can still publish its update.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.splice(0).map(({ name, client }) => client.quit().catch(logFailure(this.log, 'redis quit failed at shutdown', { connection: name }, 'debug'))));
  }
}
