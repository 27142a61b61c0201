import Redis from 'ioredis';
import { request, waitFor } from '../../../test/proxy/http-client';
import { type HttpUpstream, freePort, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { startProxy } from '../../../test/proxy/proxy-harness';
import { SHARED_REDIS_URL, deleteKeys, startPrivateRedis, uniquePrefix } from '../../../test/proxy/redis';

jest.setTimeout(20_000);

const redisStore = (keyPrefix: string, url = SHARED_REDIS_URL) => ({
  store: 'redis',
  redis: { url, keyPrefix, resync: '300ms', activityFlush: '100ms' },
});

describe('route store in Redis', () => {
  let up: HttpUpstream;
  let prefix: string;

  beforeAll(async () => {
    up = await startHttpUpstream('notebook');
  });
  afterAll(() => up.close());
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(() => deleteKeys(SHARED_REDIS_URL, prefix));

  it('keeps every route across a proxy restart', async () => {
    const first = await startProxy(redisStore(prefix));
    expect((await first.api('POST', '/api/routes/user/alice', { target: up.url, jupyterhub: true })).status).toBe(201);
    const before = JSON.parse((await first.api('GET', '/api/routes')).body);
    await first.stop();

    const second = await startProxy(redisStore(prefix));
    try {
      expect(JSON.parse((await second.api('GET', '/api/routes')).body)).toEqual(before);
      expect(JSON.parse((await request(`${second.publicUrl}/user/alice/api`)).body).upstream).toBe('notebook');
    } finally {
      await second.stop();
    }
  });

  it('shares one table between two replicas: writes on one are routed by the other, activity included', async () => {
    const a = await startProxy(redisStore(prefix));
    const b = await startProxy(redisStore(prefix));
    try {
      await a.api('POST', '/api/routes/user/bob', { target: up.url });
      const addedAt = Date.now();
      await waitFor('replica b to route /user/bob', async () => (await request(`${b.publicUrl}/user/bob/x`)).status === 200, 2000, 5);
      const propagationMs = Date.now() - addedAt;
      expect(propagationMs).toBeLessThan(1000);

      const listed = JSON.parse((await b.api('GET', '/api/routes')).body);
      expect(Object.keys(listed)).toEqual(['/user/bob']);

      const activityOnA = async () => Date.parse(JSON.parse((await a.api('GET', '/api/routes/user/bob')).body).last_activity);
      const startActivity = await activityOnA();
      await new Promise((r) => setTimeout(r, 20));
      expect((await request(`${b.publicUrl}/user/bob/y`)).status).toBe(200);
      await waitFor('activity through b to show on a', async () => (await activityOnA()) > startActivity, 2000);

      expect((await b.api('DELETE', '/api/routes/user/bob')).status).toBe(204);
      await waitFor('replica a to drop /user/bob', async () => (await request(`${a.publicUrl}/user/bob/x`)).status === 404, 2000, 5);
      expect((await a.api('DELETE', '/api/routes/user/bob')).status).toBe(404);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('picks up a change whose message was lost, at the next resync', async () => {
    const proxy = await startProxy(redisStore(prefix));
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      await redis.hset(`${prefix}routes`, '/user/carol', JSON.stringify({ target: up.url }));
      await waitFor('the resync to load /user/carol', async () => (await request(`${proxy.publicUrl}/user/carol`)).status === 200, 3000);
    } finally {
      redis.disconnect();
      await proxy.stop();
    }
  });

  it('refuses to start with a clear message when Redis cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(startProxy({ ...redisStore(prefix, url) })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? for the route store \(proxy\.http\.store: redis\)/);
  });
});

describe('route store when Redis fails', () => {
  it('keeps proxying while Redis is down (API 503), and restores the table into a Redis that came back empty', async () => {
    const redis = await startPrivateRedis();
    const up = await startHttpUpstream('notebook');
    const prefix = uniquePrefix();
    const proxy = await startProxy(redisStore(prefix, redis.url));
    try {
      await proxy.api('POST', '/api/routes/user/dave', { target: up.url });
      await redis.kill();

      expect((await request(`${proxy.publicUrl}/user/dave/x`)).status).toBe(200);
      const refused = await proxy.api('POST', '/api/routes/user/erin', { target: up.url });
      expect(refused.status).toBe(503);
      expect(refused.body).toContain('Route store unavailable');

      await redis.restart();
      const check = new Redis(redis.url);
      try {
        await waitFor('the route to be written back', async () => (await check.hget(`${prefix}routes`, '/user/dave')) !== null, 8000, 50);
        expect(JSON.parse((await check.hget(`${prefix}routes`, '/user/dave'))!)).toEqual({ target: up.url });
        expect(await check.hget(`${prefix}routes`, '/user/erin')).toBeNull();
      } finally {
        check.disconnect();
      }
      expect((await request(`${proxy.publicUrl}/user/dave/x`)).status).toBe(200);
      expect(proxy.logs.some((l) => l.msg === 'Redis had lost the route table; restored the routes this replica holds')).toBe(true);
    } finally {
      await proxy.stop();
      await up.close();
      await redis.kill();
    }
  });
});
