import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, waitFor } from '../../test/proxy/http-client';
import { freePort } from '../../test/proxy/http-upstream';
import { type RunningHub, startJupyterHub } from '../../test/proxy/jupyterhub';
import { type RunningProxy, TEST_TOKEN, startProxy } from '../../test/proxy/proxy-harness';
import { PROXY_COMMAND } from '../../test/proxy/proxy-process';
import { openWs } from '../../test/proxy/ws-upstream';

jest.setTimeout(120_000);

/**
 * A real JupyterHub (Debian's 3.0) drives this proxy through its unchanged ConfigurableHTTPProxy
 * class; a user's notebook server is reached through the proxy, over HTTP and a kernel websocket.
 * The user name has "@" and a non-ASCII letter: JupyterHub escapes them in routes, CHP-style.
 */
describe('JupyterHub with hpcg-proxy as its external proxy', () => {
  const user = 'jürgen@hpc';
  const escaped = encodeURIComponent(user).replace('%40', '@');
  let proxy: RunningProxy;
  let hub: RunningHub;
  let userToken: string;

  const hubApi = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${proxy.publicUrl}/hub/api${path}`, {
      method,
      headers: { Authorization: `token ${hub.serviceToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    proxy = await startProxy();
    hub = await startJupyterHub(proxy.publicUrl, proxy.apiUrl, TEST_TOKEN);
  });
  afterAll(async () => {
    await hub?.stop();
    await proxy?.stop();
  });

  it('registers the hub route through the CHP API', async () => {
    const routes = JSON.parse((await proxy.api('GET', '/api/routes')).body);
    expect(routes['/']).toMatchObject({ jupyterhub: true, hub: true, target: hub.hubUrl });
  });

  it("starts a user's server, whose route JupyterHub adds, and serves /user/NAME/api through the proxy", async () => {
    expect((await hubApi('POST', `/users/${escaped}`)).status).toBe(201);
    const started = await hubApi('POST', `/users/${escaped}/server`);
    expect([201, 202]).toContain(started.status);
    await waitFor('the server to be ready', async () => {
      const u = (await hubApi('GET', `/users/${escaped}`)).json as { servers?: Record<string, { ready: boolean }> };
      return u.servers?.['']?.ready === true;
    }, 60_000, 250);

    const routes = JSON.parse((await proxy.api('GET', '/api/routes')).body);
    expect(routes[`/user/${user}`]).toMatchObject({ jupyterhub: true, user, server_name: '', target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    const token = await hubApi('POST', `/users/${escaped}/tokens`, { note: 'hpcg-proxy test', expires_in: 600 });
    expect(token.status).toBe(201);
    userToken = token.json.token as string;

    const api = await request(`${proxy.publicUrl}/user/${escaped}/api`, { headers: { Authorization: `token ${userToken}` } });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toHaveProperty('version');
  }, 90_000);

  it('runs code in a kernel over a websocket through the proxy, which counts as activity', async () => {
    const kernel = await request(`${proxy.publicUrl}/user/${escaped}/api/kernels`, {
      method: 'POST',
      headers: { Authorization: `token ${userToken}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(kernel.status).toBe(201);
    const kernelId = JSON.parse(kernel.body).id as string;
    const before = Date.parse(JSON.parse((await proxy.api('GET', `/api/routes/user/${escaped}`)).body).last_activity);

    const ws = await openWs(`${proxy.publicUrl.replace('http:', 'ws:')}/user/${escaped}/api/kernels/${kernelId}/channels?token=${userToken}`);
    try {
      const msgId = randomUUID();
      const replies: { msg_type: string; content: Record<string, unknown> }[] = [];
      const result = new Promise<string>((resolve) => {
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { header: { msg_type: string }; parent_header: { msg_id?: string }; content: Record<string, unknown> };
          if (msg.parent_header.msg_id !== msgId) return;
          replies.push({ msg_type: msg.header.msg_type, content: msg.content });
          if (msg.header.msg_type === 'execute_result') resolve((msg.content.data as Record<string, string>)['text/plain']);
        });
      });
      ws.send(
        JSON.stringify({
          header: { msg_id: msgId, username: user, session: randomUUID(), msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
          parent_header: {},
          metadata: {},
          content: { code: '6 * 7', silent: false, store_history: false, user_expressions: {}, allow_stdin: false },
          channel: 'shell',
          buffers: [],
        }),
      );
      expect(await result).toBe('42');
    } finally {
      ws.close();
    }
    const after = Date.parse(JSON.parse((await proxy.api('GET', `/api/routes/user/${escaped}`)).body).last_activity);
    expect(after).toBeGreaterThan(before);
  }, 60_000);

  it('removes the route when JupyterHub stops the server', async () => {
    const stopped = await hubApi('DELETE', `/users/${escaped}/server`);
    expect([202, 204]).toContain(stopped.status);
    await waitFor('the route to go', async () => !(`/user/${user}` in JSON.parse((await proxy.api('GET', '/api/routes')).body)), 30_000, 200);
    const gone = await request(`${proxy.publicUrl}/user/${escaped}/api`);
    // The hub's "/" route now catches the path: JupyterHub answers for the stopped server.
    expect(gone.status).not.toBe(200);
  }, 60_000);
});

/** "A site can also let JupyterHub start it in place of CHP": ConfigurableHTTPProxy.command = hpcg-proxy. */
describe('JupyterHub starting hpcg-proxy itself', () => {
  it('starts it with its CHP flags, registers its routes through it, and stops it on shutdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-jupyterhub-proxy-'));
    writeFileSync(join(dir, 'hpcg.yaml'), 'proxy:\n  http:\n    store: memory\n    metrics: 127.0.0.1:0\n');
    const [port, apiPort] = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${port}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const hub = await startJupyterHub(publicUrl, apiUrl, TEST_TOKEN, { proxy: { command: PROXY_COMMAND, env: { HPCG_CONFIG: join(dir, 'hpcg.yaml') } } });
    try {
      expect((await request(`${publicUrl}/hub/api`)).status).toBe(200);
      const routes = JSON.parse((await request(`${apiUrl}/api/routes`, { headers: { Authorization: `token ${TEST_TOKEN}` } })).body);
      expect(routes['/']).toMatchObject({ jupyterhub: true, target: hub.hubUrl });
    } finally {
      await hub.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    // JupyterHub stops the proxy it started.
    await waitFor('the proxy to stop', async () => (await request(`${publicUrl}/_chp_healthz`).then(() => false, () => true)), 15_000, 100);
  }, 90_000);
});
