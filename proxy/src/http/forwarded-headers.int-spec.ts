import * as http from 'node:http';
import * as net from 'node:net';
import { request, sleep } from '../../../test/proxy/http-client';
import { type HttpUpstream, startHttpUpstream } from '../../../test/proxy/http-upstream';
import { type RunningProxy, startProxy } from '../../../test/proxy/proxy-harness';
import { type WsUpstream, startWsUpstream } from '../../../test/proxy/ws-upstream';

/**
 * What an upstream learns about the client, written as an attacker's attempts: a client may not
 * forge X-Forwarded-* / Forwarded / X-Real-IP unless it is a configured trusted proxy, and may not
 * use its Connection header (RFC 9110 §7.6.1) to remove what the proxy sets.
 */

const echo = (body: string) => JSON.parse(body) as { url: string; headers: Record<string, string> };

/** Every forwarding header an attacker might forge. */
const FORGED = {
  'X-Forwarded-For': '6.6.6.6',
  'X-Forwarded-Host': 'evil.example',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Port': '443',
  Forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
  'X-Real-IP': '6.6.6.6',
};
const LIST_OWNED = 'close, X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Port, X-Request-Id, X-Real-IP, Forwarded';

/** A websocket handshake with chosen headers (the ws client insists on its own Connection header). */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      agent: false,
      headers: { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.once('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('forwarding headers from an untrusted client', () => {
  let up: HttpUpstream;
  let ws: WsUpstream;
  let proxy: RunningProxy;
  let port: string;

  beforeAll(async () => {
    up = await startHttpUpstream('up');
    ws = await startWsUpstream('ws');
    // A trusted list that does not hold the test client (127.0.0.1): it is an ordinary client.
    proxy = await startProxy({ routes: { '/': up.url, '/ws': ws.url }, trustedProxies: ['10.0.0.0/8', '::1'] });
    port = new URL(proxy.publicUrl).port;
  });
  afterAll(async () => {
    await proxy.stop();
    await up.close();
    await ws.close();
  });

  it('cannot forge X-Forwarded-*, Forwarded or X-Real-IP: the upstream sees the proxy’s view (X-Forwarded-For reset, not appended)', async () => {
    const got = echo((await request(`${proxy.publicUrl}/x`, { headers: { Host: 'hub.example', ...FORGED } })).body).headers;
    expect(got['x-forwarded-for']).toBe('127.0.0.1');
    expect(got['x-forwarded-host']).toBe('hub.example');
    expect(got['x-forwarded-proto']).toBe('http');
    expect(got['x-forwarded-port']).toBe(port);
    expect(got.forwarded).toBeUndefined();
    expect(got['x-real-ip']).toBeUndefined();
  });

  it('cannot remove the proxy’s X-Forwarded-* and request id by naming them in Connection', async () => {
    const got = echo((await request(`${proxy.publicUrl}/x`, { headers: { Host: 'hub.example', Connection: LIST_OWNED, ...FORGED } })).body).headers;
    expect(got['x-forwarded-for']).toBe('127.0.0.1');
    expect(got['x-forwarded-host']).toBe('hub.example');
    expect(got['x-forwarded-proto']).toBe('http');
    expect(got['x-forwarded-port']).toBe(port);
    expect(got['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect(got.forwarded).toBeUndefined();
    expect(got['x-real-ip']).toBeUndefined();
    // A client's own (sane) request id is still carried, and still cannot be removed this way.
    const withId = echo((await request(`${proxy.publicUrl}/x`, { headers: { Connection: 'X-Request-Id', 'X-Request-Id': 'trace-1' } })).body).headers;
    expect(withId['x-request-id']).toBe('trace-1');
  });

  it('cannot strip a request’s Content-Length through Connection to smuggle a second request', async () => {
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
    const before = up.seen.length;
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), '127.0.0.1', () => {
        s.write(`GET /first HTTP/1.1\r\nHost: x\r\nConnection: Content-Length\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`);
      });
      let text = '';
      s.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (text.includes('"upstream"')) {
          s.destroy();
          resolve(text);
        }
      });
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    // The upstream would answer a smuggled request on the same (pooled) connection right away.
    await sleep(200);
    const seen = up.seen.slice(before);
    expect(seen.map((r) => r.url)).toEqual(['/first']);
    expect(seen[0].body).toBe(smuggled);
  });

  it('cannot forge them on a websocket handshake either, nor remove them through Connection', async () => {
    const status = await upgrade(`${proxy.publicUrl}/ws/channels`, { Host: 'hub.example', Connection: `Upgrade, ${LIST_OWNED.slice('close, '.length)}`, ...FORGED });
    expect(status).toBe(101);
    const h = ws.upgrades.at(-1)!.headers;
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-host']).toBe('hub.example');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-port']).toBe(port);
    expect(h['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect(h.forwarded).toBeUndefined();
    expect(h['x-real-ip']).toBeUndefined();
  });
});

describe('forwarding headers from a trusted proxy (proxy.http.trustedProxies)', () => {
  let up: HttpUpstream;
  let ws: WsUpstream;
  let proxy: RunningProxy;

  beforeAll(async () => {
    up = await startHttpUpstream('up');
    ws = await startWsUpstream('ws');
    proxy = await startProxy({ routes: { '/': up.url, '/ws': ws.url }, trustedProxies: ['127.0.0.1/32'] });
  });
  afterAll(async () => {
    await proxy.stop();
    await up.close();
    await ws.close();
  });

  it('keeps the front’s proto, host, port, Forwarded and X-Real-IP and appends the peer to X-Forwarded-For', async () => {
    const got = echo((await request(`${proxy.publicUrl}/x`, { headers: { Host: 'hub.example', ...FORGED } })).body).headers;
    expect(got['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.1');
    expect(got['x-forwarded-host']).toBe('evil.example');
    expect(got['x-forwarded-proto']).toBe('https');
    expect(got['x-forwarded-port']).toBe('443');
    expect(got.forwarded).toBe(FORGED.Forwarded);
    expect(got['x-real-ip']).toBe('6.6.6.6');
  });

  it('still adds the peer to X-Forwarded-For when the front names it in Connection', async () => {
    const got = echo((await request(`${proxy.publicUrl}/x`, { headers: { Connection: LIST_OWNED, 'X-Forwarded-For': '203.0.113.9' } })).body).headers;
    expect(got['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(got['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
  });

  it('keeps and appends them on a websocket handshake', async () => {
    expect(await upgrade(`${proxy.publicUrl}/ws/channels`, { Connection: 'Upgrade', ...FORGED })).toBe(101);
    const h = ws.upgrades.at(-1)!.headers;
    expect(h['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.1');
    expect(h['x-forwarded-host']).toBe('evil.example');
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-port']).toBe('443');
    expect(h.forwarded).toBe(FORGED.Forwarded);
  });
});
