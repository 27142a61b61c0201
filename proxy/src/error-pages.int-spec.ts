import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../../test/proxy/http-client';
import { type HttpUpstream, freePort, startHttpUpstream } from '../../test/proxy/http-upstream';
import { startProxy } from '../../test/proxy/proxy-harness';

describe('error responses of the proxy', () => {
  it('answers 404 with a page that names the path (escaped) and the request id, or JSON when asked', async () => {
    const proxy = await startProxy();
    try {
      const res = await request(`${proxy.publicUrl}/user/<script>x</script>`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('No route on this proxy matches /user/&lt;script&gt;x&lt;/script&gt;');
      expect(res.body).not.toContain('<script>');
      expect(res.body).toContain(`request id ${res.headers['x-request-id']}`);
      const json = await request(`${proxy.publicUrl}/nowhere`, { headers: { Accept: 'application/json' } });
      expect(JSON.parse(json.body)).toEqual({ status: 404, message: expect.stringContaining('/nowhere'), request_id: json.headers['x-request-id'] });
    } finally {
      await proxy.stop();
    }
  });

  it('answers 400 for a path that is not valid percent-encoding', async () => {
    const proxy = await startProxy({ routes: { '/': 'http://127.0.0.1:1' } });
    try {
      const res = await request(`${proxy.publicUrl}/bad%E0%A4%A`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('percent-encoded');
    } finally {
      await proxy.stop();
    }
  });

  it('answers 503 when the upstream refuses, logging request id and client but not the query string', async () => {
    const port = await freePort();
    const proxy = await startProxy({ routes: { '/': `http://127.0.0.1:${port}` } });
    try {
      const res = await request(`${proxy.publicUrl}/user/x/api?token=very-secret-value`);
      expect(res.status).toBe(503);
      expect(res.body).toContain('connection refused');
      expect(res.body).not.toMatch(/at \S+ \(|Error:/); // no stack trace
      const entry = proxy.logs.find((l) => l.msg === 'proxy error');
      expect(entry).toMatchObject({ status: 503, requestId: res.headers['x-request-id'], client: '127.0.0.1', path: '/user/x/api', err: 'connection refused' });
      expect(JSON.stringify(proxy.logs)).not.toContain('very-secret-value');
    } finally {
      await proxy.stop();
    }
  });

  it('answers 504 when the upstream does not answer within timeouts.upstream', async () => {
    const silent = await startHttpUpstream('silent', () => undefined);
    const proxy = await startProxy({ routes: { '/': silent.url }, timeouts: { upstream: '300ms' } });
    try {
      const started = Date.now();
      const res = await request(`${proxy.publicUrl}/slow`);
      expect(res.status).toBe(504);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(res.body).toContain('did not answer');
    } finally {
      await proxy.stop();
      await silent.close();
    }
  });

  it('answers 502 when the upstream speaks something other than HTTP', async () => {
    // It reads (resume) so it sees the proxy close the connection.
    const garbage = net.createServer((s) => s.resume().end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const proxy = await startProxy({ routes: { '/': `http://127.0.0.1:${(garbage.address() as net.AddressInfo).port}` } });
    try {
      const res = await request(`${proxy.publicUrl}/x`);
      expect(res.status).toBe(502);
      expect(res.body).toContain('invalid HTTP response');
    } finally {
      await proxy.stop();
      await new Promise((r) => garbage.close(r));
    }
  });

  describe('errorTarget (CHP --error-target)', () => {
    let hub: HttpUpstream;
    beforeAll(async () => {
      hub = await startHttpUpstream('hub', (req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(`<p>hub error page for ${req.url}</p>`);
      });
    });
    afterAll(() => hub.close());

    it('fetches GET <target>/<code>?url=<path> and answers with the proxy’s status and the page', async () => {
      const port = await freePort();
      const proxy = await startProxy({ routes: { '/user/x': `http://127.0.0.1:${port}` } }, { errorTarget: `${hub.url}/hub/error` });
      try {
        const down = await request(`${proxy.publicUrl}/user/x/lab?a=1`);
        expect(down.status).toBe(503);
        expect(down.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(down.body).toBe(`<p>hub error page for /hub/error/503?url=%2Fuser%2Fx%2Flab%3Fa%3D1</p>`);
        const missing = await request(`${proxy.publicUrl}/nothing`);
        expect(missing.status).toBe(404);
        expect(hub.seen.at(-1)?.url).toBe('/hub/error/404?url=%2Fnothing');
      } finally {
        await proxy.stop();
      }
    });

    it('falls back to the built-in page when the error target is down', async () => {
      const proxy = await startProxy({ errorTarget: `http://127.0.0.1:${await freePort()}/` });
      try {
        const res = await request(`${proxy.publicUrl}/nothing`);
        expect(res.status).toBe(404);
        expect(res.body).toContain('No route on this proxy matches /nothing');
      } finally {
        await proxy.stop();
      }
    });
  });

  it('serves <code>.html, else error.html, from errorPath (CHP --error-path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-error-pages-'));
    writeFileSync(join(dir, '404.html'), '<h1>custom not found</h1>');
    writeFileSync(join(dir, 'error.html'), '<h1>custom error</h1>');
    const proxy = await startProxy({ routes: { '/down': `http://127.0.0.1:${await freePort()}` } }, { errorPath: dir });
    try {
      const missing = await request(`${proxy.publicUrl}/nothing`);
      expect([missing.status, missing.body]).toEqual([404, '<h1>custom not found</h1>']);
      const down = await request(`${proxy.publicUrl}/down`);
      expect([down.status, down.body]).toEqual([503, '<h1>custom error</h1>']);
    } finally {
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
