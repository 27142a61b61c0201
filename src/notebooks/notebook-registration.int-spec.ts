import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { gql } from '../../test/support/graphql-client';
import { unixUser } from '../../test/support/slurm-gateway';
import { KUBE_TEST_USER } from '../../test/kubernetes/kubernetes-gateway';
import { STAND_IN } from '../../test/notebooks/stand-in-server';

/**
 * Issue 13, item 9, as the attacker's steps: someone who got hold of a notebook's registration token (it
 * is in the job's environment) tries to register the notebook at an address of their choosing, before the
 * job runs, while it runs, and after it ended. Every attempt is refused, the notebook's address stays
 * unset, and the token is still good for the real launcher, which then reaches READY. Real PostgreSQL and
 * Redis, the built API and worker, the local engine; jobs run as a real Unix user (scripts/test-deps/kubernetes.sh).
 */
jest.setTimeout(120_000);

const NB = 'id jobId state reason host port url';
const SPAWN = `mutation($p: String!) { spawnNotebook(profile: $p) { ${NB} } }`;
const GET = `query($id: Int!) { notebook(id: $id) { ${NB} job { id state } } }`;
type Notebook = { id: number; jobId: number; state: string; reason: string | null; host: string | null; port: number | null; job: { id: number; state: string } };

describe('notebook registration refuses what is not the running job on its node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-nbreg-'));
  const user = unixUser(KUBE_TEST_USER);
  let gw: GatewayFixture;
  let token: string;

  const get = (id: number) => gql<{ notebook: Notebook }>(gw.url, token, GET, { id }).then((r) => r.notebook);
  const jobState = (id: number) => gql<{ job: { state: string } }>(gw.url, gw.adminToken, `query($id: Int!) { job(id: $id) { state } }`, { id }).then((r) => r.job.state);
  const tokenOf = async (nb: Notebook) =>
    (await gql(gw.url, gw.adminToken, `query($id: Int!) { job(id: $id) { spec } }`, { id: nb.jobId })).job.spec.environment.HPCG_NOTEBOOK_TOKEN as string;
  const register = async (nb: Notebook, secret: string, body: unknown) => {
    const res = await fetch(`${gw.url}/notebooks/${nb.id}/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Nothing of the attempt stuck: no address, still waiting for its server. */
  const untouched = async (nb: Notebook, states: string[]) => {
    const now = await get(nb.id);
    expect(now).toMatchObject({ host: null, port: null, url: null });
    expect(states).toContain(now.state);
  };

  beforeAll(async () => {
    writeFileSync(join(dir, 'server.py'), STAND_IN);
    // A server that takes its time to listen: the attacker's window while the job runs and the token is unused.
    writeFileSync(join(dir, 'slow.sh'), `#!/bin/sh\nsleep 8\nexec python3 ${dir}/server.py "$@"\n`);
    chownSync(dir, user.uid, user.gid);
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 1, killWait: 1 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
notebooks:
  startTimeout: 60
  portRange: [20000, 65535]
  profiles:
    - { name: slow, partition: debug, memory: 64M, maxTime: "10:00", command: "sh ${dir}/slow.sh" }
`,
    });
    // The local engine's job files live under the fixture's directory: its user must reach them (as in kubernetes-gateway.ts).
    chownSync(gw.dir, user.uid, user.gid);
    await gw.startWorker();
    token = await gw.user(KUBE_TEST_USER, { uid: user.uid, gid: user.gid, home: dir });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('before the job runs, with a foreign host, with ports 22/0/70000/1023, after it ended: refused, nothing stored, the token still works for the launcher', async () => {
    // A job in the one slot keeps the notebook's job queued.
    const hog = (await gql(gw.url, token, `mutation { submitBatchScript(script: "#!/bin/sh\\nsleep 300\\n", cwd: "${dir}") { jobId } }`)).submitBatchScript.jobId as number;
    await eventually(async () => (await jobState(hog)) === 'RUNNING', 20_000, 'hog running');
    const nb = (await gql<{ spawnNotebook: Notebook }>(gw.url, token, SPAWN, { p: 'slow' })).spawnNotebook;
    const secret = await tokenOf(nb);

    // 1. Before the job runs: 409, the token is not spent.
    expect(await jobState(nb.jobId)).toBe('PENDING');
    const early = await register(nb, secret, { host: '127.0.0.1', port: 40000 });
    expect(early).toMatchObject({ status: 409, body: { error: 'CONFLICT', jobState: 'PENDING' } });
    expect(early.body.message).toBe(`notebook ${nb.id}: job ${nb.jobId} is PENDING, not RUNNING; a server registers only while its job runs (retry once it runs)`);
    await untouched(nb, ['PENDING']);

    // 2. The job runs; its server is not listening yet.
    await gql(gw.url, token, `mutation($id: Int!) { cancelJob(id: $id) { id } }`, { id: hog });
    await eventually(async () => (await jobState(nb.jobId)) === 'RUNNING', 20_000, 'notebook job running');

    // A foreign host: another machine, another loopback address (an internal service), the gateway's database by name.
    for (const host of ['192.0.2.10', '10.255.255.1', '127.0.0.2', 'postgres.invalid']) {
      const r = await register(nb, secret, { host, port: 40000 });
      expect(r).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', field: 'host', value: host } });
      expect(r.body.message).toMatch(new RegExp(`^notebook ${nb.id}: host ${host.replace(/\./g, '\\.')} is not the node job ${nb.jobId} runs on`));
    }
    // Ports outside notebooks.portRange (a well-known service, nonsense, out of range, just below the range).
    for (const port of [22, 0, 70000, 19999, -1, 40000.5, '40000']) {
      const r = await register(nb, secret, { host: '127.0.0.1', port });
      expect(r).toMatchObject({ status: 400, body: { error: 'BAD_USER_INPUT', field: 'port', allowed: '20000-65535' } });
    }
    await untouched(nb, ['PENDING', 'STARTING']);

    // 3. The real launcher's registration, with the same token, still goes through.
    const ready = await eventually(async () => {
      const n = await get(nb.id);
      return n.state === 'READY' && n;
    }, 40_000, `notebook ${nb.id} READY`);
    expect(ready.host).toBe('127.0.0.1');
    expect(ready.port).toBeGreaterThanOrEqual(20000);
    expect((await fetch(`http://127.0.0.1:${ready.port}/api`)).status).toBe(200);

    // 4. After the job ended: refused, and the notebook does not come back to life at the attacker's address.
    await gql(gw.url, token, `mutation($id: Int!) { cancelJob(id: $id) { id } }`, { id: nb.jobId });
    await eventually(async () => (await jobState(nb.jobId)) === 'CANCELLED', 20_000, 'notebook job cancelled');
    const late = await register(nb, secret, { host: '127.0.0.1', port: 40001 });
    expect([401, 409]).toContain(late.status);
    const after = await eventually(async () => {
      const n = await get(nb.id);
      return ['STOPPED', 'FAILED'].includes(n.state) && n;
    }, 20_000, 'notebook ended');
    expect(after.port).not.toBe(40001);
  });
});
