import { request, sleep } from '../../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { type RunningProxy, TEST_TOKEN, startProxy } from '../../../test/proxy/proxy-harness';

/** Each rule of configurable-http-proxy's REST API, as JupyterHub relies on it. */
describe('route API (CHP-compatible)', () => {
  let proxy: RunningProxy;
  let a: HttpUpstream;
  let b: HttpUpstream;

  beforeAll(async () => {
    a = await startHttpUpstream('a');
    b = await startHttpUpstream('b');
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  beforeEach(async () => {
    proxy = await startProxy({ limits: { maxRoutes: 5, maxApiBodyBytes: 4096 } });
  });
  afterEach(async () => {
    await proxy.stop();
  });

  describe('authorization', () => {
    it.each(['GET', 'POST', 'DELETE'])('refuses %s without a token with 403 and changes nothing', async (method) => {
      const res = await proxy.api(method, '/api/routes/user/x', method === 'POST' ? { target: a.url } : undefined, null);
      expect(res.status).toBe(403);
      expect(res.body).toContain('Authorization: token');
      expect((await proxy.api('GET', '/api/routes')).body).toBe('{}');
    });

    it('refuses a wrong token, and one that is a prefix of the right one', async () => {
      expect((await proxy.api('GET', '/api/routes', undefined, 'wrong-token-0123456789')).status).toBe(403);
      expect((await proxy.api('GET', '/api/routes', undefined, TEST_TOKEN.slice(0, -1))).status).toBe(403);
      expect((await proxy.api('GET', '/api/routes', undefined, TEST_TOKEN + 'x')).status).toBe(403);
    });

    it('accepts "token" and "Bearer" schemes in any case', async () => {
      for (const scheme of ['token', 'Token', 'Bearer', 'bearer']) {
        const res = await request(`${proxy.apiUrl}/api/routes`, { headers: { Authorization: `${scheme} ${TEST_TOKEN}` } });
        expect(res.status).toBe(200);
      }
    });

    it('never writes the token to the log', async () => {
      await proxy.api('POST', '/api/routes/user/x', { target: a.url });
      await proxy.api('GET', '/api/routes', undefined, 'wrong-token-0123456789');
      const text = JSON.stringify(proxy.logs);
      expect(proxy.logs.length).toBeGreaterThan(0);
      expect(text).not.toContain(TEST_TOKEN);
      expect(text).not.toContain('wrong-token-0123456789');
    });
  });

  describe('status codes and body shapes', () => {
    it('POST creates a route (201, empty body) and GET shows it with its data and an ISO last_activity', async () => {
      const before = Date.now();
      const res = await proxy.api('POST', '/api/routes/user/alice', { target: a.url, jupyterhub: true, user: 'alice' });
      expect(res.status).toBe(201);
      expect(res.body).toBe('');
      const one = await proxy.api('GET', '/api/routes/user/alice');
      expect(one.status).toBe(200);
      expect(one.headers['content-type']).toBe('application/json');
      const route = JSON.parse(one.body);
      expect(route).toEqual({ target: a.url, jupyterhub: true, user: 'alice', last_activity: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
      expect(Date.parse(route.last_activity)).toBeGreaterThanOrEqual(before);
      const all = JSON.parse((await proxy.api('GET', '/api/routes')).body);
      expect(Object.keys(all)).toEqual(['/user/alice']);
    });

    it('POST to /api/routes itself creates the root route', async () => {
      expect((await proxy.api('POST', '/api/routes', { target: a.url })).status).toBe(201);
      expect(JSON.parse((await proxy.api('GET', '/api/routes')).body)['/'].target).toBe(a.url);
      expect(JSON.parse((await request(`${proxy.publicUrl}/anything`)).body).upstream).toBe('a');
    });

    it('POST replaces an existing route, and a trailing slash names the same route', async () => {
      await proxy.api('POST', '/api/routes/user/bob', { target: a.url, extra: 1 });
      expect((await proxy.api('POST', '/api/routes/user/bob/', { target: b.url })).status).toBe(201);
      const all = JSON.parse((await proxy.api('GET', '/api/routes')).body);
      expect(Object.keys(all)).toEqual(['/user/bob']);
      expect(all['/user/bob']).toEqual({ target: b.url, last_activity: expect.any(String) });
      expect(JSON.parse((await request(`${proxy.publicUrl}/user/bob/x`)).body).upstream).toBe('b');
    });

    it('DELETE answers 204 and the route is gone (404 afterwards, for DELETE and GET)', async () => {
      await proxy.api('POST', '/api/routes/user/carol', { target: a.url });
      const del = await proxy.api('DELETE', '/api/routes/user/carol');
      expect(del.status).toBe(204);
      expect(del.body).toBe('');
      expect((await proxy.api('DELETE', '/api/routes/user/carol')).status).toBe(404);
      expect((await proxy.api('GET', '/api/routes/user/carol')).status).toBe(404);
      expect((await request(`${proxy.publicUrl}/user/carol`)).status).toBe(404);
    });

    it('answers 404 for a route that does not exist and for paths outside /api/routes', async () => {
      expect((await proxy.api('GET', '/api/routes/nope')).status).toBe(404);
      expect((await proxy.api('GET', '/api/other')).status).toBe(404);
      expect((await proxy.api('GET', '/')).status).toBe(404);
    });

    it.each(['PUT', 'PATCH'])('answers 405 for %s', async (method) => {
      const res = await proxy.api(method, '/api/routes/user/x', { target: a.url });
      expect(res.status).toBe(405);
      expect(res.body).toBe('Method not supported');
      expect(res.headers.allow).toBe('GET, POST, DELETE');
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await proxy.api('POST', '/api/routes/user/x', '{"target": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/^Body not valid JSON/);
    });

    it.each([
      ['no target', {}],
      ['a numeric target', { target: 8888 }],
      ['an array body', [1, 2]],
    ])('answers 400 for %s', async (_what, body) => {
      const res = await proxy.api('POST', '/api/routes/user/x', body);
      expect(res.status).toBe(400);
      expect(res.body).toBe("Must specify 'target' as string");
    });

    it.each([
      ['not a URL', 'localhost-8888', 'is not a URL'],
      ['an unsupported scheme', 'ftp://127.0.0.1:21', 'only http and https'],
      ['an unknown pool', 'pool:nosuch', 'no pool "nosuch"'],
      ['credentials in the URL', 'http://u:p@127.0.0.1:1', 'credentials'],
    ])('answers 400 for a target that is %s, saying why', async (_what, target, why) => {
      const res = await proxy.api('POST', '/api/routes/user/x', { target });
      expect(res.status).toBe(400);
      expect(res.body).toContain('Invalid target');
      expect(res.body).toContain(why);
      expect((await proxy.api('GET', '/api/routes')).body).toBe('{}');
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await proxy.api('POST', '/api/routes/user/x', { target: a.url, pad: 'x'.repeat(5000) });
      expect(res.status).toBe(413);
      expect(res.body).toContain('maxApiBodyBytes');
    });

    it('answers 507 when the table is full, and still replaces existing routes', async () => {
      for (let i = 0; i < 5; i++) expect((await proxy.api('POST', `/api/routes/r${i}`, { target: a.url })).status).toBe(201);
      const full = await proxy.api('POST', '/api/routes/r5', { target: a.url });
      expect(full.status).toBe(507);
      expect(full.body).toContain('maxRoutes');
      expect((await proxy.api('POST', '/api/routes/r0', { target: b.url })).status).toBe(201);
    });
  });

  describe('route keys', () => {
    it('keeps unicode, "@" and "~" in keys, decoded, and routes requests that use them', async () => {
      const res = await proxy.api('POST', `/api/routes/user/${encodeURIComponent('jürgen@example.org')}~x`, { target: a.url });
      expect(res.status).toBe(201);
      const all = JSON.parse((await proxy.api('GET', '/api/routes')).body);
      expect(Object.keys(all)).toEqual(['/user/jürgen@example.org~x']);
      expect((await proxy.api('GET', `/api/routes/user/j%C3%BCrgen%40example.org~x`)).status).toBe(200);

      const proxied = JSON.parse((await request(`${proxy.publicUrl}/user/j%C3%BCrgen@example.org~x/tree?x=1`)).body);
      expect(proxied.upstream).toBe('a');
      expect(proxied.url).toBe('/user/j%C3%BCrgen@example.org~x/tree?x=1');
      const percentTilde = JSON.parse((await request(`${proxy.publicUrl}/user/j%C3%BCrgen%40example.org%7Ex`)).body);
      expect(percentTilde.upstream).toBe('a');
      expect((await proxy.api('DELETE', `/api/routes/user/j%C3%BCrgen@example.org~x`)).status).toBe(204);
    });

    it('answers 400 for a route path that is not valid percent-encoding', async () => {
      expect((await proxy.api('POST', '/api/routes/user/%E0%A4%A', { target: a.url })).status).toBe(400);
    });
  });

  describe('last_activity and inactive_since', () => {
    it('filters with inactive_since (and inactiveSince), and rejects a bad date with 400', async () => {
      await proxy.api('POST', '/api/routes/yesterday', { target: a.url });
      await proxy.api('POST', '/api/routes/today', { target: a.url });
      await sleep(30);
      const cutoff = new Date().toISOString();
      await sleep(30);
      expect((await request(`${proxy.publicUrl}/today/x`)).status).toBe(200);

      const since = async (q: string) => Object.keys(JSON.parse((await proxy.api('GET', `/api/routes?${q}`)).body)).sort();
      expect(await since(`inactive_since=${cutoff}`)).toEqual(['/yesterday']);
      expect(await since(`inactiveSince=${cutoff}`)).toEqual(['/yesterday']);
      expect(await since(`inactive_since=${new Date(1).toISOString()}`)).toEqual([]);
      expect(await since(`inactive_since=${new Date(Date.now() + 3_600_000).toISOString()}`)).toEqual(['/today', '/yesterday']);

      const bad = await proxy.api('GET', '/api/routes?inactive_since=endoftheuniverse');
      expect(bad.status).toBe(400);
      expect(bad.body).toBe("Invalid datestamp 'endoftheuniverse' must be ISO8601.");
    });

    it('is bumped by successful proxied requests, not by errors from the upstream or the proxy', async () => {
      const failing = await startHttpUpstream('failing', (_req, res) => {
        res.writeHead(500);
        res.end('boom');
      });
      try {
        await proxy.api('POST', '/api/routes/ok', { target: a.url });
        await proxy.api('POST', '/api/routes/err', { target: failing.url });
        await proxy.api('POST', '/api/routes/down', { target: 'http://127.0.0.1:1' });
        const activity = async (path: string) => Date.parse(JSON.parse((await proxy.api('GET', `/api/routes${path}`)).body).last_activity);
        const start = { ok: await activity('/ok'), err: await activity('/err'), down: await activity('/down') };
        await sleep(20);
        expect((await request(`${proxy.publicUrl}/ok/x`)).status).toBe(200);
        expect((await request(`${proxy.publicUrl}/err/x`)).status).toBe(500);
        expect((await request(`${proxy.publicUrl}/down/x`)).status).toBe(503);
        expect(await activity('/ok')).toBeGreaterThan(start.ok);
        expect(await activity('/err')).toBe(start.err);
        expect(await activity('/down')).toBe(start.down);
      } finally {
        await failing.close();
      }
    });
  });

  it('serves /_chp_healthz on the public port', async () => {
    const res = await request(`${proxy.publicUrl}/_chp_healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'OK' });
  });
});

describe('route API with configured routes', () => {
  it('shows configured routes and --default-target, lets the API override "/", and falls back when that is deleted', async () => {
    const hub = await startHttpUpstream('hub');
    const fallback = await startHttpUpstream('fallback');
    const proxy = await startProxy({ routes: { '/static': fallback.url } }, { defaultTarget: fallback.url });
    try {
      const all = JSON.parse((await proxy.api('GET', '/api/routes')).body);
      expect(Object.keys(all).sort()).toEqual(['/', '/static']);
      expect(JSON.parse((await request(`${proxy.publicUrl}/x`)).body).upstream).toBe('fallback');

      await proxy.api('POST', '/api/routes/', { target: hub.url, jupyterhub: true });
      expect(JSON.parse((await request(`${proxy.publicUrl}/x`)).body).upstream).toBe('hub');
      expect(JSON.parse((await proxy.api('GET', '/api/routes')).body)['/'].jupyterhub).toBe(true);

      expect((await proxy.api('DELETE', '/api/routes')).status).toBe(204);
      expect(JSON.parse((await request(`${proxy.publicUrl}/x`)).body).upstream).toBe('fallback');

      const protectedDelete = await proxy.api('DELETE', '/api/routes/static');
      expect(protectedDelete.status).toBe(404);
      expect(protectedDelete.body).toContain('configuration file');
    } finally {
      await proxy.stop();
      await hub.close();
      await fallback.close();
    }
  });
});
