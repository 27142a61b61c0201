import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { eventually } from '../../test/support/gateway-fixture';
import type { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/load-config';
import { RedisClients } from './redis-clients';

/** Against the machine's real Redis: what each kind of connection does at the edges of its life. */
describe('RedisClients', () => {
  const logged: { level: string; msg: string; fields: unknown }[] = [];
  const record = (level: string) => (fields: unknown, msg: string) => logged.push({ level, msg, fields });
  const log = { warn: record('warn'), info: record('info'), error: record('error'), debug: record('debug') } as unknown as PinoLogger;
  const config = { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: `t${randomUUID().slice(0, 8)}` } as AppConfig;
  let clients: RedisClients;

  beforeEach(() => {
    logged.length = 0;
    clients = new RedisClients(config, log);
  });
  afterEach(() => clients.onApplicationShutdown());

  it('a subscriber that subscribes while its connection is still starting hears messages, with no connection error', async () => {
    const channel = `${config.queuePrefix}:events`;
    const sub = clients.subscriber('sub');
    // The moment that broke at every worker start: between "connect" and "ready".
    const subscribed = new Promise<void>((resolve, reject) => sub.once('connect', () => sub.subscribe(channel).then(() => resolve(), reject)));
    await subscribed;
    const heard = new Promise<string>((resolve) => sub.on('message', (_c: string, m: string) => resolve(m)));
    await clients.command('pub').publish(channel, 'hello');
    await expect(heard).resolves.toBe('hello');
    expect(logged.filter((l) => l.level !== 'debug')).toEqual([]);
  });

  it('connections carry their names (CLIENT LIST), and every one is closed at shutdown', async () => {
    const cmd = clients.command('probe');
    await clients.subscriber('listener').subscribe(`${config.queuePrefix}:x`);
    const names = (await cmd.client('LIST')) as string;
    expect(names).toContain(`name=${config.queuePrefix}:probe `);
    expect(names).toContain(`name=${config.queuePrefix}:listener `);
    await clients.onApplicationShutdown();
    const observer = new Redis(config.redisUrl);
    try {
      await eventually(async () => !((await observer.client('LIST')) as string).includes(`name=${config.queuePrefix}:`), 5000, 'the connections to close', 50);
    } finally {
      observer.disconnect();
    }
  });
});
