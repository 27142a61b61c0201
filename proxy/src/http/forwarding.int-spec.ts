import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { request, sleep, waitFor } from '../../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { type RunningProxy, startProxy } from '../../../test/proxy/proxy-harness';

const echo = (body: string) => JSON.parse(body) as { upstream: string; method: string; url: string; headers: Record<string, string>; body: string };

describe('routing and forwarding', () => {
  let a: HttpUpstream;
  let b: HttpUpstream;
  let root: HttpUpstream;
  let proxy: RunningProxy;

  beforeAll(async () => {
    a = await startHttpUpstream('a');
    b = await startHttpUpstream('b');
    root = await startHttpUpstream('root');
    proxy = await startProxy({ routes: { '/a': a.url, '/a/b': b.url, '/based': `${b.url}/base/` } }, { defaultTarget: root.url });
  });
  afterAll(async () => {
    await proxy.stop();
    await Promise.all([a.close(), b.close(), root.close()]);
  });

  it.each([
    ['/a', 'a'],
    ['/a/', 'a'],
    ['/a/bc', 'a'],
    ['/a/b', 'b'],
    ['/a/b/c/d', 'b'],
    ['/ab', 'root'],
    ['/', 'root'],
  ])('routes %s to %s by the longest matching path-segment prefix', async (path, upstream) => {
    expect(echo((await request(`${proxy.publicUrl}${path}`)).body).upstream).toBe(upstream);
  });

  it('forwards the full path and query (no prefix stripping) and keeps the Host header', async () => {
    const got = echo((await request(`${proxy.publicUrl}/a/b/c%20d?x=1&y=%2F`, { headers: { Host: 'hub.example.org' } })).body);
    expect(got.url).toBe('/a/b/c%20d?x=1&y=%2F');
    expect(got.headers.host).toBe('hub.example.org');
  });

  it("prepends the target URL's path", async () => {
    expect(echo((await request(`${proxy.publicUrl}/based/x?q=1`)).body).url).toBe('/base/based/x?q=1');
  });

  it('sets X-Forwarded-For/-Proto/-Host/-Port (a trusted front’s are kept: forwarded-headers.int-spec.ts)', async () => {
    const port = new URL(proxy.publicUrl).port;
    const plain = echo((await request(`${proxy.publicUrl}/a`, { headers: { Host: 'site.example' } })).body).headers;
    expect(plain['x-forwarded-for']).toBe('127.0.0.1');
    expect(plain['x-forwarded-proto']).toBe('http');
    expect(plain['x-forwarded-host']).toBe('site.example');
    expect(plain['x-forwarded-port']).toBe(port);
  });

  it('gives every request an X-Request-Id upstream, keeping a client’s own', async () => {
    const generated = echo((await request(`${proxy.publicUrl}/a`)).body).headers['x-request-id'];
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect(echo((await request(`${proxy.publicUrl}/a`, { headers: { 'X-Request-Id': 'abc-123' } })).body).headers['x-request-id']).toBe('abc-123');
  });

  it('does not forward hop-by-hop request headers, including those named in Connection', async () => {
    const got = echo(
      (
        await request(`${proxy.publicUrl}/a`, {
          headers: { Connection: 'keep-alive, X-Private', 'X-Private': 'secret', 'Keep-Alive': 'timeout=5', 'Proxy-Authorization': 'Basic eA==', TE: 'trailers', 'X-Kept': 'yes' },
        })
      ).body,
    ).headers;
    expect(got['x-private']).toBeUndefined();
    expect(got['keep-alive']).toBeUndefined();
    expect(got['proxy-authorization']).toBeUndefined();
    expect(got.te).toBeUndefined();
    expect(got['x-kept']).toBe('yes');
  });

  it('relays status, repeated Set-Cookie headers and body, without the upstream’s hop-by-hop headers', async () => {
    const up = await startHttpUpstream('cookies', (_req, res) => {
      res.writeHead(201, 'Made It', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Connection', 'X-Upstream-Private'],
        ['X-Upstream-Private', 'x'],
        ['Content-Type', 'text/plain'],
      ].flat());
      res.end('made');
    });
    try {
      await proxy.api('POST', '/api/routes/cookies', { target: up.url });
      const res = await request(`${proxy.publicUrl}/cookies`);
      expect(res.status).toBe(201);
      expect(res.body).toBe('made');
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.headers['x-upstream-private']).toBeUndefined();
    } finally {
      await proxy.api('DELETE', '/api/routes/cookies');
      await up.close();
    }
  });

  it('reuses keep-alive connections to the upstream', async () => {
    const before = a.seen.length;
    for (let i = 0; i < 5; i++) await request(`${proxy.publicUrl}/a/k${i}`);
    const ports = new Set(a.seen.slice(before).map((s) => s.remotePort));
    expect(ports.size).toBe(1);
  });

  it('streams request bodies intact, with Content-Length and chunked', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    for (let i = 0; i < big.length; i += 997) big[i] = 65 + (i % 26);
    const sha = createHash('sha256').update(big).digest('hex');
    const sized = echo((await request(`${proxy.publicUrl}/a/upload`, { method: 'POST', body: big, headers: { 'Content-Length': big.length } })).body);
    expect(createHash('sha256').update(sized.body).digest('hex')).toBe(sha);

    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${proxy.publicUrl}/a/chunked`, { method: 'PUT', agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('part one;');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(echo(chunked).body).toBe('part one;part two');
    expect(echo(chunked).headers['transfer-encoding']).toBe('chunked');
  });

  it('streams responses as the upstream sends them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const up = await startHttpUpstream('stream', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('first\n');
      void gate.then(() => res.end('second\n'));
    });
    try {
      await proxy.api('POST', '/api/routes/stream', { target: up.url });
      const firstChunk = await new Promise<string>((resolve, reject) => {
        http.get(`${proxy.publicUrl}/stream`, { agent: false }, (res) => res.once('data', (c: Buffer) => resolve(c.toString()))).on('error', reject);
      });
      expect(firstChunk).toBe('first\n');
    } finally {
      release();
      await proxy.api('DELETE', '/api/routes/stream');
      await up.close();
    }
  });

  it('answers HEAD without a body', async () => {
    const res = await request(`${proxy.publicUrl}/a/head`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(a.seen.at(-1)?.method).toBe('HEAD');
  });

  it('abandons the upstream request when the client disconnects', async () => {
    let upstreamSawClose = false;
    const up = await startHttpUpstream('slow', (req) => {
      req.socket.once('close', () => (upstreamSawClose = true));
    });
    try {
      await proxy.api('POST', '/api/routes/slow', { target: up.url });
      const req = http.get(`${proxy.publicUrl}/slow`, { agent: false });
      req.on('error', () => undefined);
      await waitFor('the request to reach the upstream', () => up.seen.length === 1);
      req.destroy();
      await waitFor('the upstream connection to close', () => upstreamSawClose);
    } finally {
      await proxy.api('DELETE', '/api/routes/slow');
      await up.close();
    }
  });

  it('cuts the client response short when the upstream dies mid-body', async () => {
    const up = await startHttpUpstream('dies', (_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('only a part');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      await proxy.api('POST', '/api/routes/dies', { target: up.url });
      await expect(request(`${proxy.publicUrl}/dies`)).rejects.toThrow();
    } finally {
      await proxy.api('DELETE', '/api/routes/dies');
      await up.close();
    }
  });

  it('refuses request headers over the limit with 431', async () => {
    const res = await request(`${proxy.publicUrl}/a`, { headers: { 'X-Big': 'x'.repeat(20_000) } });
    expect(res.status).toBe(431);
  });
});

describe('host routing', () => {
  it('routes by host first, then path, ignoring the port and case of the host', async () => {
    const alpha = await startHttpUpstream('alpha');
    const beta = await startHttpUpstream('beta');
    const proxy = await startProxy({ hostRouting: true });
    try {
      expect((await proxy.api('POST', '/api/routes/alpha.example.org', { target: alpha.url })).status).toBe(201);
      expect((await proxy.api('POST', '/api/routes/beta.example.org/api', { target: beta.url })).status).toBe(201);
      const route = JSON.parse((await proxy.api('GET', '/api/routes/beta.example.org/api')).body);
      expect(route.host).toBe('beta.example.org');
      const via = async (host: string, path: string) => {
        const res = await request(`${proxy.publicUrl}${path}`, { headers: { Host: host } });
        return res.status === 200 ? echo(res.body).upstream : res.status;
      };
      expect(await via('alpha.example.org', '/anything')).toBe('alpha');
      expect(await via('ALPHA.example.org:8443', '/x')).toBe('alpha');
      expect(await via('beta.example.org', '/api/v1')).toBe('beta');
      expect(await via('beta.example.org', '/other')).toBe(404);
      expect(await via('gamma.example.org', '/')).toBe(404);
    } finally {
      await proxy.stop();
      await alpha.close();
      await beta.close();
    }
  });
});

describe('X-Forwarded headers switched off', () => {
  it('adds none with xForward: false (CHP --no-x-forward), passing a trusted front’s through and dropping anyone else’s', async () => {
    const a = await startHttpUpstream('a');
    const untrusted = await startProxy({ xForward: false, routes: { '/': a.url } });
    const trusted = await startProxy({ xForward: false, routes: { '/': a.url }, trustedProxies: ['127.0.0.1'] });
    try {
      const headers = { 'X-Forwarded-For': '198.51.100.1', 'X-Forwarded-Proto': 'https' };
      const fromClient = echo((await request(`${untrusted.publicUrl}/x`, { headers })).body).headers;
      expect(fromClient['x-forwarded-for']).toBeUndefined();
      expect(fromClient['x-forwarded-proto']).toBeUndefined();
      expect(fromClient['x-forwarded-host']).toBeUndefined();
      const fromFront = echo((await request(`${trusted.publicUrl}/x`, { headers })).body).headers;
      expect(fromFront['x-forwarded-for']).toBe('198.51.100.1');
      expect(fromFront['x-forwarded-proto']).toBe('https');
      expect(fromFront['x-forwarded-host']).toBeUndefined();
    } finally {
      await untrusted.stop();
      await trusted.stop();
      await a.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests (asking clients to close), refuses new connections, then stops', async () => {
    const slow = await startHttpUpstream('slow', (_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('finished');
      }, 300);
    });
    const proxy = await startProxy({ routes: { '/': slow.url } });
    try {
      const inFlight = request(`${proxy.publicUrl}/work`);
      await waitFor('the request to reach the upstream', () => slow.seen.length === 1);
      const stopped = proxy.stop();
      await sleep(50);
      await expect(request(`${proxy.publicUrl}/late`)).rejects.toThrow(/ECONNREFUSED/);
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(res.body).toBe('finished');
      expect(res.headers.connection).toBe('close');
      await stopped;
    } finally {
      await proxy.stop();
      await slow.close();
    }
  });
});
