import { gql } from '../test/support/graphql-client';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { request, sleep, waitFor } from '../test/proxy/http-client';
import { GatewayProcess, ROOT } from '../test/support/gateway-process';
import { runInKernel } from '../test/support/jupyter-kernel';
import { HUB_PASSWORD, NotebookSite } from '../test/support/notebook-site';

/**
 * Issue 8 end to end: Debian's JupyterHub 3.0 with GatewaySpawner, hpcg-proxy as its external proxy,
 * and the gateway (API and worker processes, local engine). A user logs in with a real browser, picks
 * a profile on the options form, gets a server whose API and kernel websocket work through the proxy;
 * the hub restarts and an engine outage come and go without stopping it; stopping it ends its job.
 */

jest.setTimeout(180_000);
const SCREENSHOTS = join(ROOT, '.hpcg', 'screenshots');

interface NotebookView {
  id: number;
  state: string;
  reason: string | null;
  queuePosition: number | null;
  options: Record<string, unknown>;
  url: string | null;
  job: { id: number; state: string };
}
const NOTEBOOK_FIELDS = 'id state reason queuePosition options url job { id state }';

describe('notebooks through JupyterHub, the gateway and hpcg-proxy', () => {
  let site: NotebookSite;
  let browser: Browser;
  let token: string;
  const serverUrl = () => `${site.publicUrl}/user/alice`;
  const notebooks = async () => (await site.gw.admin<{ notebooks: NotebookView[] }>(`{ notebooks { ${NOTEBOOK_FIELDS} } }`)).notebooks;

  beforeAll(async () => {
    site = await NotebookSite.start({ users: ['alice'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('logs a user in, lists the site profiles on the options form in a real browser, and starts the chosen one', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.publicUrl}/hub/login`);
    await page.fill('#username_input', 'alice');
    await page.fill('#password_input', HUB_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#login_submit')]);
    await page.goto(`${site.publicUrl}/hub/spawn`);

    const form = page.locator('#spawn_form');
    await form.waitFor();
    const text = await form.innerText();
    expect(text).toContain('small');
    expect(text).toContain('large');
    // Profile text from the site file is shown as text, never as markup.
    expect(text).toContain('1 CPU, 1 GB <for> quick looks');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'notebook-options-form.png'), fullPage: true });

    await page.check('input[name="profile"][value="large"]');
    await page.fill('input[name="large.cpus"]', '2');
    await page.fill('input[name="large.memory"]', '3G');
    await Promise.all([page.waitForNavigation(), page.click('#spawn_form [type="submit"]')]);
    // The spawn-pending page follows the progress and moves on to the server once it is ready.
    await page.waitForURL(/\/user\/alice\//, { timeout: 90_000 });
    await page.close();

    const [nb] = await notebooks();
    expect(nb).toMatchObject({ state: 'READY', options: { cpus: 2, memory: '3G' }, job: { state: 'RUNNING' } });
    expect((await site.server('alice'))?.ready).toBe(true);
  }, 150_000);

  it('serves /user/NAME/api and runs code in a kernel over a websocket, through the proxy', async () => {
    token = await site.userToken('alice');
    const api = await request(`${serverUrl()}/api`, { headers: { Authorization: `token ${token}` } });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toHaveProperty('version');
    // The route JupyterHub added points at the address the launcher registered, not a guessed port.
    const [nb] = await notebooks();
    const routes = await site.routes();
    expect(routes['/user/alice'].target).toBe(nb.url);
    expect(await runInKernel(serverUrl(), token, '6 * 7')).toBe('42');
    // Notebook traffic through the proxy is what JupyterHub's idle culling reads as activity.
    const after = (await site.routes())['/user/alice'].last_activity;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(routes['/user/alice'].last_activity));
  }, 90_000);

  it('keeps the server through a hub restart', async () => {
    const before = (await notebooks())[0];
    await site.hub.restart();
    await waitFor('the restarted hub to see the server', async () => (await site.server('alice'))?.ready === true, 30_000, 250);
    expect((await request(`${serverUrl()}/api`, { headers: { Authorization: `token ${token}` } })).status).toBe(200);
    expect((await notebooks())[0]).toMatchObject({ id: before.id, state: 'READY', job: { id: before.job.id, state: 'RUNNING' } });
  }, 90_000);

  it('keeps the server while the engine and then the gateway are unreachable during polls', async () => {
    // The local engine is the worker: kill it, then the API, and let the hub poll (every second) meanwhile.
    const apiPort = site.gw.api.port;
    await site.gw.worker!.stop(true);
    await sleep(3_000);
    await site.gw.api.stop(true);
    await sleep(4_000);
    expect((await site.server('alice'))?.ready).toBe(true);
    expect((await request(`${serverUrl()}/api`, { headers: { Authorization: `token ${token}` } })).status).toBe(200);
    site.gw.api = await GatewayProcess.start('api', { ...site.gw.env, HPCG_PORT: String(apiPort) }, site.gw.dir);
    await site.gw.startWorker();
    await sleep(3_000);
    expect((await site.server('alice'))?.ready).toBe(true);
    expect((await notebooks())[0]).toMatchObject({ state: 'READY', job: { state: 'RUNNING' } });
  }, 90_000);

  it('stops the server from the hub: the job ends, the route goes', async () => {
    const { url } = (await notebooks())[0];
    const stopped = await site.hubApi('DELETE', '/users/alice/server');
    expect([202, 204]).toContain(stopped.status);
    await waitFor('the hub to forget the server', async () => (await site.server('alice')) === null, 30_000, 250);
    const nb = (await waitFor('the notebook to stop', async () => (await notebooks()).find((n) => n.state === 'STOPPED'), 30_000, 250)) as NotebookView;
    expect(nb.job.state).toBe('CANCELLED');
    const routes = await site.routes();
    expect(routes['/user/alice']).toBeUndefined();
    await expect(request(`${url}/user/alice/api`, { timeoutMs: 2_000 })).rejects.toThrow();
  }, 60_000);
});

describe('a notebook that waits in the queue longer than start_timeout', () => {
  let site: NotebookSite;
  const START_TIMEOUT = 5;

  beforeAll(async () => {
    site = await NotebookSite.start({
      users: ['bob'],
      slots: 1,
      startTimeout: START_TIMEOUT,
      extraProfiles: `
    - name: broken
      description: "A server command that cannot start"
      partition: debug
      cpus: 1
      memory: 1G
      maxTime: "0:10:00"
      command: "python3 -c 'import sys; sys.exit(\\"no Jupyter server on this node\\")'"
`,
    });
  });
  afterAll(async () => site?.stop());

  /** The hub's progress stream of bob's server (server-sent events), collected until it ends. */
  function followProgress(): { messages: string[]; done: Promise<void> } {
    const messages: string[] = [];
    const done = request(`${site.publicUrl}/hub/api/users/bob/server/progress`, {
      headers: { Authorization: `token ${site.hub.serviceToken}`, Accept: 'text/event-stream' },
      timeoutMs: 170_000,
    }).then((res) => {
      for (const line of res.body.split('\n')) if (line.startsWith('data:')) messages.push((JSON.parse(line.slice(5)) as { message: string }).message);
    });
    return { messages, done };
  }

  it('starts once the only CPU slot frees, and its progress said why it waited', async () => {
    // Another user's job holds the only slot (the bootstrap admin owns no jobs: it has no Unix identity).
    const hog = await gql<{ submitBatchScript: { jobId: number } }>(site.gw.url, await site.gw.user('hogger'), `mutation { submitBatchScript(args: ["--wrap", "sleep 600", "-J", "slot-hog"]) { jobId } }`);
    const hogId = hog.submitBatchScript.jobId;
    await waitFor('the hog to run', async () => (await site.gw.admin(`{ job(id: ${hogId}) { state } }`)).job.state === 'RUNNING', 30_000, 200);

    const started = await site.hubApi('POST', '/users/bob/server', { profile: 'small' });
    expect(started.status).toBe(202);
    const progress = followProgress();
    // Well past JupyterHub's start_timeout: still pending, with the engine's reason and the queue position.
    await sleep((START_TIMEOUT + 5) * 1000);
    expect(await site.server('bob')).toMatchObject({ ready: false, pending: 'spawn' });
    const [nb] = (await site.gw.admin<{ notebooks: NotebookView[] }>(`{ notebooks { ${NOTEBOOK_FIELDS} } }`)).notebooks;
    expect(nb).toMatchObject({ state: 'PENDING', queuePosition: 1 });
    expect(nb.reason).toBeTruthy();

    await site.gw.admin(`mutation { cancelJob(id: ${hogId}) { id } }`);
    await waitFor('the server to be ready', async () => (await site.server('bob'))?.ready === true, 90_000, 250);
    await progress.done;
    expect(progress.messages.some((m) => m.includes(nb.reason!) && /position 1/.test(m))).toBe(true);
    expect(progress.messages.at(-1)).toMatch(/ready/i);
    expect((await request(`${site.publicUrl}/user/bob/api`, { headers: { Authorization: `token ${await site.userToken('bob')}` } })).status).toBe(200);
    expect((await site.hubApi('DELETE', '/users/bob/server')).status).toBeLessThan(300);
    await waitFor('the hub to forget the server', async () => (await site.server('bob')) === null, 30_000, 250);
  }, 170_000);

  it('reports a server that dies before registering as failed, with its reason, promptly', async () => {
    const t0 = Date.now();
    // JupyterHub answers a spawn that fails within its slow_spawn_timeout (10 s) with the error itself.
    const started = await site.hubApi('POST', '/users/bob/server', { profile: 'broken' });
    const elapsed = Date.now() - t0;
    expect(started.status).toBe(500);
    expect(started.json.message).toContain('no Jupyter server on this node');
    expect(elapsed).toBeLessThan(10_000);
    expect(await site.server('bob')).toBeNull();
    // The launcher reported the failure before it exited with the server's status: the job ends FAILED just after.
    const failedJob = async () => (await site.gw.admin<{ notebooks: NotebookView[] }>(`{ notebooks { ${NOTEBOOK_FIELDS} } }`)).notebooks.find((n) => n.state === 'FAILED' && n.job.state === 'FAILED');
    const nb = (await waitFor('the notebook and its job to be FAILED', failedJob, 10_000, 200)) as NotebookView;
    expect(nb.reason).toContain('no Jupyter server on this node');
  }, 60_000);
});
