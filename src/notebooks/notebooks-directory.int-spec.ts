import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { describeAsRoot } from '../../test/support/describe-as-root';
import { DirectoryHomes } from '../../test/directory/homes';
import { BASE_DN, Slapd } from '../../test/directory/slapd';
import { STAND_IN } from '../../test/notebooks/stand-in-server';

/**
 * Notebooks of directory users, against a real slapd: JupyterHub acting for a user who never logged
 * in provisions them from the directory; a user removed from the directory loses their running notebook.
 */
describeAsRoot('notebooks of directory users', 'the notebook job runs under the user\'s uid, which needs a root worker', () => {
  jest.setTimeout(120_000);
  let slapd: Slapd;
  let gw: GatewayFixture;
  let service: string;
  const homes = new DirectoryHomes();

  const asUser = async (user: string, query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${service}`, 'x-hpcg-act-as': user }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: Record<string, any>; errors?: { message: string; extensions: { code: string } }[] };
  };

  beforeAll(async () => {
    slapd = await Slapd.start();
    await homes.create(slapd, 'alice', 20001, 20001);
    const server = join(homes.root, 'server.py');
    writeFileSync(server, STAND_IN, { mode: 0o644 });
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 2, killWait: 1 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
notebooks:
  profiles:
    - { name: tiny, partition: debug, memory: 64M, maxTime: "10:00", command: "python3 ${server}", allowGroups: [hpcusers] }
${slapd.directoryYaml({ requiredGroup: 'hpcusers', syncIntervalSeconds: 1 })}`,
    });
    // The job runs as alice: she must reach the state directory inside the fixture's folder.
    chmodSync(gw.dir, 0o711);
    await gw.startWorker();
    await gw.admin(`mutation { createUser(username: "hub", serviceAccount: true) { id } }`);
    service = (await gw.admin(`mutation { issueToken(username: "hub", name: "hub", scopes: ["users:act-as", "jobs:read", "jobs:write"]) { token } }`)).issueToken.token;
  });
  afterAll(async () => {
    await gw?.stop();
    await slapd?.stop();
    homes.cleanup();
  });

  it('acting for a user who never logged in provisions them from the directory; someone the directory lacks is refused', async () => {
    expect((await asUser('alice', `{ me { username uid gid groups } }`)).data?.me).toEqual({ username: 'alice', uid: 20001, gid: 20001, groups: ['alice', 'gpu-users', 'hpcusers'] });
    expect((await asUser('nobody', `{ me { username } }`)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await asUser('alice', `{ notebookProfiles { name } }`)).data?.notebookProfiles).toEqual([{ name: 'tiny' }]);
  });

  it("a user removed from the directory loses their running notebook: its job is cancelled and it ends STOPPED", async () => {
    const spawned = await asUser('alice', `mutation { spawnNotebook(profile: "tiny") { id jobId } }`);
    const { id, jobId } = spawned.data!.spawnNotebook as { id: number; jobId: number };
    const get = () => gw.admin(`query($id: Int!) { notebook(id: $id) { state reason url job { state } } }`, { id }).then((r) => r.notebook);
    const ready = await eventually(async () => ((await get()).state === 'READY' ? get() : null), 30_000, 'notebook READY');
    expect(ready.job.state).toBe('RUNNING');
    expect((await fetch(`${ready.url}/api`)).status).toBe(200);

    await slapd.deleteEntry(`uid=alice,ou=people,${BASE_DN}`);
    const stopped = await eventually(async () => ((await get()).state === 'STOPPED' ? get() : null), 20_000, 'notebook STOPPED');
    expect(stopped.reason).toBe('stopped by system:directory-sync (user no longer in the directory)');
    expect(stopped.job.state).toBe('CANCELLED');
    const events = await gw.admin(`query($id: Int!) { job(id: $id) { events { toState actor } } }`, { id: jobId });
    expect(events.job.events.at(-1)).toMatchObject({ toState: 'CANCELLED' });
  });
});
