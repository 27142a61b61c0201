import * as http from 'node:http';
import * as net from 'node:net';
import Redis from 'ioredis';
import { type ClientResponse, request, waitFor } from '../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../test/proxy/http-upstream';
import { type MemberProcess, startMember } from '../../test/proxy/member-process';
import { type RunningProxy, startProxy } from '../../test/proxy/proxy-harness';
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../../test/proxy/redis';
import { defaultKeyPrefix } from './config/load-config';
import type { ProxyStatus } from './observability/status';

/** The edge proxy under real faults (issue 15, item 8): hung and resetting upstreams, another proxy's routes. */

jest.setTimeout(40_000);

async function memberStatus(proxy: RunningProxy, url: string) {
  const s = JSON.parse((await request(`${proxy.metricsUrl}/api/status`)).body) as ProxyStatus;
  return s.pools[0].members.find((m) => m.url === url)!;
}

async function timed(url: string): Promise<ClientResponse & { ms: number }> {
  const started = performance.now();
  const res = await request(url, { timeoutMs: 20_000 });
  return { ...res, ms: performance.now() - started };
}

const upstreamOf = (res: ClientResponse) => (JSON.parse(res.body) as { upstream: string }).upstream;

describe('a hung upstream (SIGSTOP)', () => {
  let members: MemberProcess[] = [];
  let proxy: RunningProxy | null = null;

  afterEach(async () => {
    await proxy?.stop();
    proxy = null;
    for (const m of members) m.resume();
    await Promise.all(members.map((m) => m.kill()));
    members = [];
  });

  it('answers 504 after timeouts.responseHeaders to requests already sent to it, ejects it, serves from the healthy member, and takes it back after SIGCONT', async () => {
    members = await Promise.all(['m1', 'm2'].map(startMember));
    const [hung, healthy] = members;
    proxy = await startProxy({
      // Active checks alone would need 3 failures a second apart: the passive ejection comes first.
      pools: { app: { members: members.map((m) => m.url), check: { path: '/healthz', interval: '1s', timeout: '500ms', rise: 2, fall: 3 } } },
      routes: { '/app': 'pool:app' },
      timeouts: { responseHeaders: '1s' },
    });
    const p = proxy;
    await waitFor('first health checks', async () => (await memberStatus(p, hung.url)).lastCheck?.ok && (await memberStatus(p, healthy.url)).lastCheck?.ok);

    hung.pause();
    const pausedAt = Date.now();
    // Round robin sends two of these four to the hung member.
    const answers = await Promise.all([1, 2, 3, 4].map((i) => timed(`${p.publicUrl}/app/r${i}`)));
    const timedOut = answers.filter((a) => a.status === 504);
    const served = answers.filter((a) => a.status === 200);
    expect(timedOut).toHaveLength(2);
    expect(served.map(upstreamOf)).toEqual(['m2', 'm2']);
    for (const a of timedOut) {
      expect(a.ms).toBeGreaterThanOrEqual(950);
      expect(a.ms).toBeLessThan(5000); // generous on two shared cores; the old behaviour was 5 minutes
      expect(a.body).toContain('did not start answering within 1s');
    }
    const member = await memberStatus(p, hung.url);
    expect(member).toMatchObject({ healthy: false, ejections: 1 });

    const after: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await timed(`${p.publicUrl}/app/after${i}`);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1000);
      after.push(upstreamOf(res));
    }
    expect(after).toEqual(Array(10).fill('m2'));

    hung.resume();
    const resumedAt = Date.now();
    await waitFor('the resumed member to rejoin', async () => (await memberStatus(p, hung.url)).healthy, 10_000, 50);
    const backAfterMs = Date.now() - resumedAt;
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(upstreamOf(await request(`${p.publicUrl}/app/back${i}`)));
    expect([...seen].sort()).toEqual(['m1', 'm2']);
    process.stdout.write(
      `hung member: 504 after ${timedOut.map((a) => (a.ms / 1000).toFixed(2)).join(' s, ')} s (timeout 1 s); ejected ${Date.parse(member.since) - pausedAt} ms after SIGSTOP; 10/10 later requests served by m2; back ${backAfterMs} ms after SIGCONT\n`,
    );
  });

  it('answers 504 for a plain URL route after timeouts.responseHeaders, not after timeouts.upstream', async () => {
    members = [await startMember('single')];
    proxy = await startProxy({ routes: { '/': members[0].url }, timeouts: { responseHeaders: '1s', upstream: '5m' } });
    expect((await request(`${proxy.publicUrl}/warm`)).status).toBe(200);
    members[0].pause();
    const res = await timed(`${proxy.publicUrl}/stalled`);
    expect(res.status).toBe(504);
    expect(res.ms).toBeGreaterThanOrEqual(950);
    expect(res.ms).toBeLessThan(5000);
    expect(proxy.logs.find((l) => l.msg === 'proxy error')).toMatchObject({ status: 504, err: 'no response headers within 1000ms' });
  });
});

/** A TCP server that closes every connection it accepts, on accept or once the first request bytes arrive. */
async function startResetter(when: 'on-accept' | 'on-data'): Promise<{ url: string; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    s.on('error', () => undefined);
    if (when === 'on-accept') s.destroy();
    else s.once('data', () => s.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    accepted: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A POST whose body the client sends only after `delayMs`, on a fresh connection. */
function slowPost(url: string, body: string, delayMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => req.end(body), delayMs);
  });
}

describe('retries', () => {
  let live: HttpUpstream;
  beforeEach(async () => {
    live = await startHttpUpstream('live');
  });
  afterEach(() => live.close());
  // Health checks every 10 s: only the proxying itself finds the faulty member out.
  const startPool = (faulty: string) =>
    startProxy({ pools: { app: { members: [faulty, live.url], check: { path: '/healthz', interval: '10s', timeout: '1s' } } }, routes: { '/': 'pool:app' } });

  it('sends a POST on to another member when the first closed the connection before any byte of it was written, body intact', async () => {
    const resetter = await startResetter('on-accept');
    const proxy = await startPool(resetter.url);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await slowPost(`${proxy.publicUrl}/submit/${i}`, `payload ${i}`, 300);
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toMatchObject({ upstream: 'live', url: `/submit/${i}`, body: `payload ${i}` });
      }
      expect(resetter.accepted()).toBeGreaterThanOrEqual(2); // the health check's, and at least one request's
      expect(live.seen.filter((r) => r.method === 'POST')).toHaveLength(2);
    } finally {
      await proxy.stop();
      await resetter.close();
    }
  });

  it('never repeats a POST whose bytes reached a member that then dropped the connection', async () => {
    const resetter = await startResetter('on-data');
    const proxy = await startPool(resetter.url);
    try {
      const answers = [];
      for (let i = 0; i < 2; i++) answers.push(await request(`${proxy.publicUrl}/pay/${i}`, { method: 'POST', body: `charge ${i}` }));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 503]);
      expect(live.seen.filter((r) => r.method === 'POST')).toHaveLength(1); // the other one went to the resetter only
    } finally {
      await proxy.stop();
      await resetter.close();
    }
  });
});

describe('routes another proxy left in the shared Redis', () => {
  let hub: HttpUpstream;
  let stale: HttpUpstream;
  let prefix: string;
  let redis: Redis;

  beforeAll(async () => {
    hub = await startHttpUpstream('hub');
    stale = await startHttpUpstream('stale');
    redis = new Redis(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await hub.close();
    await stale.close();
  });
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(() => deleteKeys(SHARED_REDIS_URL, prefix));

  it('--default-target replaces a stale "/" route at start, as configurable-http-proxy does, and the API may change it afterwards', async () => {
    await redis.hset(`${prefix}routes`, '/', JSON.stringify({ target: stale.url }), '/user/ann', JSON.stringify({ target: stale.url, jupyterhub: true }));
    const proxy = await startProxy({ store: 'redis', redis: { url: SHARED_REDIS_URL, keyPrefix: prefix } }, { defaultTarget: hub.url });
    try {
      expect(upstreamOf(await request(`${proxy.publicUrl}/hub/login`))).toBe('hub');
      expect(JSON.parse((await redis.hget(`${prefix}routes`, '/'))!)).toEqual({ target: hub.url });
      expect(JSON.parse((await proxy.api('GET', '/api/routes')).body)['/'].target).toBe(hub.url);
      // Only "/" is the proxy's to set: other routes in the table are kept.
      expect(upstreamOf(await request(`${proxy.publicUrl}/user/ann/tree`))).toBe('stale');
      expect((await proxy.api('POST', '/api/routes/', { target: stale.url })).status).toBe(201);
      expect(upstreamOf(await request(`${proxy.publicUrl}/hub/login`))).toBe('stale');
    } finally {
      await proxy.stop();
    }
  });

  it('without a keyPrefix, proxies with different API tokens never see each other’s routes; replicas with the same token share them', async () => {
    const tokenA = `hub-a-${uniquePrefix()}`;
    const tokenB = `hub-b-${uniquePrefix()}`;
    const redisOnly = { store: 'redis', redis: { url: SHARED_REDIS_URL, resync: '300ms' } };
    const a = await startProxy(redisOnly, {}, { CONFIGPROXY_AUTH_TOKEN: tokenA });
    const replicaOfA = await startProxy(redisOnly, {}, { CONFIGPROXY_AUTH_TOKEN: tokenA });
    const b = await startProxy(redisOnly, { defaultTarget: stale.url }, { CONFIGPROXY_AUTH_TOKEN: tokenB });
    try {
      expect((await a.api('POST', '/api/routes/', { target: hub.url }, tokenA)).status).toBe(201);
      await waitFor('the replica to route "/"', async () => (await request(`${replicaOfA.publicUrl}/x`)).status === 200, 3000);
      expect(upstreamOf(await request(`${replicaOfA.publicUrl}/x`))).toBe('hub');
      // b's --default-target did not take over a's "/", and a's route is not in b's table.
      expect(upstreamOf(await request(`${a.publicUrl}/x`))).toBe('hub');
      expect(upstreamOf(await request(`${b.publicUrl}/x`))).toBe('stale');
      expect(Object.keys(JSON.parse((await b.api('GET', '/api/routes', undefined, tokenB)).body))).toEqual(['/']);
      expect(await redis.hget(`${defaultKeyPrefix(tokenA)}routes`, '/')).toContain(hub.url);
      expect(await redis.hget(`${defaultKeyPrefix(tokenB)}routes`, '/')).toContain(stale.url);
    } finally {
      await Promise.all([a.stop(), replicaOfA.stop(), b.stop()]);
      await deleteKeys(SHARED_REDIS_URL, defaultKeyPrefix(tokenA));
      await deleteKeys(SHARED_REDIS_URL, defaultKeyPrefix(tokenB));
    }
  });
});
