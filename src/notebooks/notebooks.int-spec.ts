import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { ownedDir } from '../../test/support/test-accounts';
import { gql, refusal } from '../../test/support/graphql-client';
import { BROKEN, STAND_IN } from '../../test/notebooks/stand-in-server';

/**
 * Issue 8, the gateway's side, with the built gateway and worker and the real local engine. A tiny
 * stdlib HTTP server written here stands in for jupyterhub-singleuser: it serves `{prefix}api`.
 */

const NB = `id jobId user serverName profile options state reason queuePosition message host port url stopRequested startedAt readyAt endedAt`;
const SPAWN = `mutation($p: String!, $o: JSON, $s: String, $e: JSON) { spawnNotebook(profile: $p, options: $o, serverName: $s, environment: $e) { ${NB} } }`;
const GET = `query($id: Int!) { notebook(id: $id) { ${NB} job { id state name partition } } }`;
const STOP = `mutation($id: Int!) { stopNotebook(id: $id) { ${NB} job { state } } }`;

type Notebook = { id: number; jobId: number; state: string; stopRequested: boolean; reason: string | null; queuePosition: number | null; message: string; host: string | null; port: number | null; url: string | null; options: Record<string, unknown>; job?: { state: string; name: string } };

describe('notebooks on the local engine', () => {
  jest.setTimeout(120_000);
  // The servers run as the test account (never as root): their folder is theirs.
  const dir = ownedDir(mkdtempSync(join(tmpdir(), 'hpcg-notebooks-')));
  let gw: GatewayFixture;
  let token: string;

  const spawn = (profile: string, vars: Record<string, unknown> = {}, as = token) => gql<{ spawnNotebook: Notebook }>(gw.url, as, SPAWN, { p: profile, ...vars }).then((r) => r.spawnNotebook);
  const get = (id: number, as = token) => gql<{ notebook: Notebook }>(gw.url, as, GET, { id }).then((r) => r.notebook);
  const stop = (id: number, as = token) => gql<{ stopNotebook: Notebook }>(gw.url, as, STOP, { id }).then((r) => r.stopNotebook);
  const until = (id: number, state: string, ms = 30_000) => eventually(async () => ((await get(id)).state === state ? get(id) : null), ms, `notebook ${id} ${state}`);

  beforeAll(async () => {
    writeFileSync(join(dir, 'server.py'), STAND_IN);
    writeFileSync(join(dir, 'broken.py'), BROKEN);
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 1, killWait: 1 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
limits:
  default: { maxNotebooks: 2 }
notebooks:
  startTimeout: 6
  profiles:
    - name: tiny
      description: "stand-in server"
      partition: debug
      memory: 64M
      maxTime: "10:00"
      command: "python3 ${dir}/server.py"
      userOptions: { time: { min: "1:00", max: "10:00" }, memory: { min: 32M, max: 128M } }
    - { name: broken, partition: debug, memory: 64M, maxTime: "5:00", command: "python3 ${dir}/broken.py" }
    - { name: silent, partition: debug, memory: 64M, maxTime: "5:00", command: "python3 -c 'import time; time.sleep(600)'" }
    - { name: killer, partition: debug, memory: 64M, maxTime: "5:00", command: "sh -c 'kill -9 $PPID'" }
`,
    });
    await gw.startWorker();
    token = await gw.user('nbuser', { home: dir });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the profiles with what users may change', async () => {
    const r = await gql(gw.url, token, `{ notebookProfiles { name partition memory memoryMB maxTime maxTimeMinutes allowGroups options { name kind default min max choices } } }`);
    expect(r.notebookProfiles.map((p: { name: string }) => p.name)).toEqual(['tiny', 'broken', 'silent', 'killer']);
    expect(r.notebookProfiles[0]).toMatchObject({ memory: '64M', memoryMB: 64, maxTime: '0:10:00', maxTimeMinutes: 10, allowGroups: [] });
    expect(r.notebookProfiles[0].options).toEqual([
      { name: 'memory', kind: 'memory', default: '64M', min: '32M', max: '128M', choices: null },
      { name: 'time', kind: 'duration', default: '0:10:00', min: '0:01:00', max: '0:10:00', choices: null },
    ]);
  });

  it('spawns: PENDING, STARTING, READY at an address that answers; stop cancels the job and ends STOPPED', async () => {
    const nb = await spawn('tiny', { o: { time: '5', memory: '100M' }, s: 'lab', e: { JUPYTERHUB_SERVICE_PREFIX: '/user/nbuser/lab/', JUPYTERHUB_API_TOKEN: 'hub-secret' } });
    expect(nb).toMatchObject({ state: 'PENDING', serverName: 'lab', options: { cpus: 1, memory: '100M', gpus: 0, time: '0:05:00', image: null }, url: null });
    const ready = await until(nb.id, 'READY');
    expect(ready.url).toBe(`http://${ready.host}:${ready.port}`);
    expect(ready.message).toBe(`Server ready at ${ready.url}`);
    expect(ready.job).toMatchObject({ state: 'RUNNING', name: 'notebook-lab' });
    // The server got JupyterHub's environment and answers under its prefix.
    const answer = await fetch(`${ready.url}/user/nbuser/lab/api`).then((r) => r.json());
    expect(answer).toEqual({ version: 'stand-in', token: 'hub-secret' });

    const stopped = await stop(nb.id);
    expect(stopped.stopRequested).toBe(true);
    const end = await until(nb.id, 'STOPPED');
    expect(end.reason).toBe('stopped by user:nbuser');
    expect(end.job?.state).toBe('CANCELLED');
    await expect(fetch(`${ready.url}/user/nbuser/lab/api`)).rejects.toThrow();
    // Idempotent.
    expect((await stop(nb.id)).state).toBe('STOPPED');
  });

  it('a server that exits before answering: FAILED promptly, with its stderr in the reason', async () => {
    const nb = await spawn('broken');
    const failed = await until(nb.id, 'FAILED', 20_000);
    expect(failed.reason).toMatch(/exited with status 3: stand-in: configuration file is corrupt/);
    expect(failed.message).toBe(`Failed: ${failed.reason}`);
    await eventually(async () => (await get(nb.id)).job?.state === 'FAILED', 10_000, 'job FAILED');
  });

  it('a job that dies before registering, with no report from the launcher: FAILED with the job state and its last output', async () => {
    const nb = await spawn('killer');
    const failed = await until(nb.id, 'FAILED', 20_000);
    expect(failed.reason).toMatch(new RegExp(`^job ${nb.jobId} ended FAILED by signal 9 \\(RaisedSignal:9\\(SIGKILL\\)\\) before the server started; last output: hpcg-notebook-launcher\\[${nb.id}\\]: starting sh -c`));
  });

  it('a server that never answers: FAILED after startTimeout and its job cancelled', async () => {
    const nb = await spawn('silent');
    const started = Date.now();
    const failed = await until(nb.id, 'FAILED', 30_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(failed.reason).toBe(`the server did not register within startTimeout (6 s) after job ${nb.jobId} started; the job was cancelled`);
    await eventually(async () => (await get(nb.id)).job?.state === 'CANCELLED', 15_000, 'job CANCELLED');
  });

  it('a job held behind a slot-hog: PENDING with its reason and queue position 1, READY once the hog is cancelled', async () => {
    const hog = await gql(gw.url, token, `mutation { submitBatchScript(script: "#!/bin/sh\\nsleep 300\\n", cwd: "${dir}") { jobId } }`).then((r) => r.submitBatchScript.jobId as number);
    await eventually(async () => (await gql(gw.url, token, `query($id: Int!) { job(id: $id) { state } }`, { id: hog })).job.state === 'RUNNING', 20_000, 'hog running');
    const nb = await spawn('tiny', { s: 'queued' });
    const pending = await eventually(async () => {
      const n = await get(nb.id);
      return n.reason === 'Resources' ? n : null;
    }, 20_000, 'notebook pending on Resources');
    // The hog has no time limit: the gateway counts it for the site's assumed run time (an hour by default).
    expect(pending).toMatchObject({ state: 'PENDING', queuePosition: 1, message: expect.stringMatching(/^Queued in partition debug: Resources \(position 1 of 1\); expected to start by \S+Z \(gateway estimate\)$/) });
    await gql(gw.url, token, `mutation($id: Int!) { cancelJob(id: $id) { id } }`, { id: hog });
    await until(nb.id, 'READY');
    await stop(nb.id);
    await until(nb.id, 'STOPPED');
  });

  it('the one-time token: a second use is refused with 401; a bad body is 400 naming the field', async () => {
    const nb = await spawn('tiny', { s: 'tokens' });
    await until(nb.id, 'READY');
    const job = await gql(gw.url, gw.adminToken, `query($id: Int!) { job(id: $id) { spec } }`, { id: nb.jobId });
    const oneTime = job.job.spec.environment.HPCG_NOTEBOOK_TOKEN as string;
    const post = (path: string, body: unknown, auth = `Bearer ${oneTime}`) =>
      fetch(`${gw.url}/notebooks/${nb.id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });
    const reuse = await post('register', { host: '127.0.0.1', port: 1 });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect((await post('failed', { reason: 'x' }, 'Bearer wrong')).status).toBe(401);
    expect((await get(nb.id)).state).toBe('READY');
    await stop(nb.id);
    await until(nb.id, 'STOPPED');

    // A fresh notebook's token with a bad body: 400, and the token is still unused. (Registrations are
    // heard only while the job runs: the silent server never registers by itself.)
    const other = await spawn('silent', { s: 'body' });
    const spec = (await gql(gw.url, gw.adminToken, `query($id: Int!) { job(id: $id) { spec } }`, { id: other.jobId })).job.spec;
    await eventually(async () => (await get(other.id)).job?.state === 'RUNNING', 20_000, 'job RUNNING');
    const res = await fetch(`${gw.url}/notebooks/${other.id}/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.environment.HPCG_NOTEBOOK_TOKEN}` }, body: JSON.stringify({ host: '127.0.0.1', port: 'x' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'BAD_USER_INPUT', field: 'port' });
    await stop(other.id);
    await until(other.id, 'STOPPED', 20_000);
  });

  it('bad options and profiles are refused naming the field; a second live serverName is a CONFLICT; maxNotebooks is LIMIT_EXCEEDED', async () => {
    expect(await refusal(spawn('tiny', { o: { memory: '1G' } }))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'memory', allowed: { min: '32M', max: '128M' } } });
    expect(await refusal(spawn('tiny', { o: { cpus: '2' } }))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'cpus', allowed: ['memory', 'time'] } });
    expect(await refusal(spawn('tiny', { o: { colour: 'red' } }))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'colour' } });
    expect(await refusal(spawn('huge'))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'profile', allowed: ['tiny', 'broken', 'silent', 'killer'] } });
    expect((await gql(gw.url, token, `{ validateNotebookOptions(profile: "tiny", options: { time: "2:00", memory: ["48M"] }) }`)).validateNotebookOptions).toEqual({ cpus: 1, memory: '48M', gpus: 0, time: '0:02:00', image: null });

    // Another user's job holds the only slot (the bootstrap admin owns no jobs: it has no Unix identity).
    const hogger = await gw.user('hogger');
    const hog = await gql(gw.url, hogger, `mutation { submitBatchScript(script: "#!/bin/sh\\nsleep 300\\n", cwd: "${dir}") { jobId } }`).then((r) => r.submitBatchScript.jobId as number);
    const a = await spawn('tiny', { s: 'a' });
    expect(await refusal(spawn('tiny', { s: 'a' }))).toMatchObject({ code: 'CONFLICT', details: { field: 'serverName' } });
    const b = await spawn('tiny', { s: 'b' });
    const over = await refusal(spawn('tiny', { s: 'c' }));
    expect(over).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxNotebooks', allowed: 2 } });
    expect(over.message).toMatch(/limit maxNotebooks/);
    for (const nb of [a, b]) await stop(nb.id);
    for (const nb of [a, b]) expect((await until(nb.id, 'STOPPED')).reason).toBe('stopped by user:nbuser');
    await gw.admin(`mutation($id: Int!) { cancelJob(id: $id) { id } }`, { id: hog });
  });

  it('JupyterHub acts for the user: spawn over HTTP, progress over graphql-ws; a user the gateway lacks is refused clearly', async () => {
    await gw.admin(`mutation { createUser(username: "hub", serviceAccount: true) { id } }`);
    const service = (await gw.admin(`mutation { issueToken(username: "hub", name: "hub", scopes: ["users:act-as", "jobs:read", "jobs:write"]) { token } }`)).issueToken.token as string;
    const asUser = async (query: string, variables: Record<string, unknown>, user: string) => {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${service}`, 'x-hpcg-act-as': user }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: Record<string, any>; errors?: { message: string; extensions: { code: string } }[] };
    };
    const missing = await asUser(SPAWN, { p: 'tiny' }, 'ghost');
    expect(missing.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(missing.errors?.[0].message).toMatch(/user "ghost" does not exist in this gateway, which has no directory: an administrator must create the user/);

    const spawned = await asUser(SPAWN, { p: 'tiny', s: 'hub' }, 'nbuser');
    const nb = spawned.data!.spawnNotebook as Notebook;
    expect(nb).toMatchObject({ user: 'nbuser', state: 'PENDING' });

    const client = createClient({ url: gw.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${service}`, 'x-hpcg-act-as': 'nbuser' } });
    const states: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        client.subscribe<{ notebookProgress: Notebook }>(
          { query: `subscription($id: Int!) { notebookProgress(id: $id) { state message } }`, variables: { id: nb.id } },
          {
            next: ({ data, errors }) => {
              if (errors) return reject(new Error(JSON.stringify(errors)));
              const s = data!.notebookProgress.state;
              if (states[states.length - 1] !== s) states.push(s);
              if (s === 'READY') resolve();
            },
            error: reject,
            complete: () => resolve(),
          },
        );
      });
    } finally {
      await client.dispose();
    }
    expect(states[states.length - 1]).toBe('READY');
    expect(states.filter((s) => s !== 'PENDING' && s !== 'STARTING' && s !== 'READY')).toEqual([]);
    const stopped = await asUser(STOP, { id: nb.id }, 'nbuser');
    expect(stopped.data!.stopNotebook.stopRequested).toBe(true);
    expect((await until(nb.id, 'STOPPED')).reason).toBe('stopped by service:hub for user:nbuser');
  });
});
