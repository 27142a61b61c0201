import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineJob } from '../../test/local-engine/job-fixtures';
import { Scratch } from '../../test/local-engine/state-dir';
import { Attribute, Change } from 'ldapts';
import { BASE_DN, Slapd } from '../../test/directory/slapd';
import { eventually, GatewayFixture } from '../../test/support/gateway-fixture';
import { gql, refusal } from '../../test/support/graphql-client';
import { ownedDir, testJobIdentity } from '../../test/support/test-accounts';

/**
 * The Unix identity policy under attack (issue 13, item 3): each test is the attacker's steps, then the
 * refusal and the absence of any effect. The gateway and its worker run as root here, as in production.
 */
jest.setTimeout(90_000);

const SUBMIT = 'mutation($s: String, $cwd: String) { submitBatchScript(script: $s, cwd: $cwd) { jobId } }';
const WRITES_ID = (file: string) => `#!/bin/sh\nid -u > ${file}\n`;

describe('Unix identity policy: through the API', () => {
  let gw: GatewayFixture;
  let work: string;

  beforeAll(async () => {
    gw = await GatewayFixture.start();
    await gw.startWorker();
    work = ownedDir(join(gw.dir, 'work'));
  });
  afterAll(() => gw.stop());

  const jobCount = async () => (await gw.admin<{ jobs: { total: number } }>('{ jobs { total } }')).jobs.total;

  it('createUser with uid 0 (or gid 0, or below security.minUid) is refused, and no user row has that uid', async () => {
    for (const [args, field, text] of [
      ['uid: 0, gid: 1000', 'uid', 'uid 0 is not allowed: allowed 1000..4294967294 (security.minUid 1000)'],
      ['uid: 999, gid: 1000', 'uid', 'uid 999 is not allowed'],
      ['uid: 1000, gid: 0', 'gid', 'gid 0 is not allowed: allowed 1000..4294967294 (security.minGid 1000)'],
      ['uid: 1000', 'gid', 'gid is required when uid is given'],
    ] as const) {
      const e = await refusal(gw.admin(`mutation { createUser(username: "mallory", ${args}) { id } }`));
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', details: expect.objectContaining({ field }) });
      expect(e.message).toContain(text);
    }
    const users = (await gw.admin<{ users: { username: string; uid: number | null }[] }>('{ users { username uid } }')).users;
    expect(users.filter((u) => u.username === 'mallory' || (u.uid !== null && u.uid < 1000))).toEqual([]);
  });

  it('a user without uid/gid (the bootstrap admin, a service account) submits: FORBIDDEN with the reason, no job, nothing ran', async () => {
    const before = await jobCount();
    const out = join(work, 'admin-ran');
    const e = await refusal(gw.admin(SUBMIT, { s: WRITES_ID(out), cwd: work }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/^user admin has no Unix identity \(uid\/gid\); jobs run as their owner/);
    const svc = await gw.user('svc', { uid: null, gid: null });
    const e2 = await refusal(gql(gw.url, svc, SUBMIT, { s: WRITES_ID(out), cwd: work }));
    expect(e2.code).toBe('FORBIDDEN');
    expect(e2.message).toContain('user svc has no Unix identity');
    // --test-only reports the same problem.
    const t = await refusal(gw.admin('query($s: String) { testBatchScript(script: $s) { engine } }', { s: WRITES_ID(out) }));
    expect(t).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('user admin has no Unix identity') });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await jobCount()).toBe(before);
    expect(existsSync(out)).toBe(false);
  });

  it('a user with a real identity still runs jobs, as that uid', async () => {
    const token = await gw.user('carol');
    const out = join(work, 'carol-id');
    const r = await gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, SUBMIT, { s: WRITES_ID(out), cwd: work });
    const id = r.submitBatchScript.jobId;
    await eventually(async () => (await gw.admin<{ job: { state: string } }>('query($id: Int!) { job(id: $id) { state } }', { id })).job.state === 'COMPLETED', 30_000, 'carol job completed');
    expect(readFileSync(out, 'utf8').trim()).toBe(String(testJobIdentity().uid));
  });
});

describe('Unix identity policy: an identity-less owner reaching the local engine directly', () => {
  const scratch = new Scratch();
  afterAll(() => scratch.cleanup());

  it('is refused and never runs as the (root) worker: the file its script would write never appears', async () => {
    const work = ownedDir(scratch.path('work'));
    const engine = scratch.engine({ stateDir: scratch.path('state') });
    await engine.start();
    for (const [id, owner] of [
      [901, { username: 'admin', uid: null, gid: null, groups: [], home: null }],
      [902, { username: 'toor', uid: 0, gid: 0, groups: [], home: '/root' }],
      [903, { username: 'daemonish', uid: 1, gid: 1, groups: [], home: '/' }],
    ] as const) {
      const out = join(work, `ran-${id}`);
      const job = engineJob(id, work, { script: WRITES_ID(out) }, { owner: { ...owner, groups: [] } });
      // The engine refuses by policy (the worker fails such a job with this message; it never retries it).
      await expect(engine.submit(job)).rejects.toMatchObject({ name: 'EngineRefusedError', policy: true, message: expect.stringMatching(/no Unix identity|below security\.minUid/) });
      expect(await engine.findByTag(job)).toBeNull();
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const id of [901, 902, 903]) expect(existsSync(join(work, `ran-${id}`))).toBe(false);
  });

  it('the output reader refuses a file that does not belong to the job owner (a root-owned file named by -o)', async () => {
    const work = ownedDir(scratch.path('work-out'));
    const secret = join(work, 'secret');
    writeFileSync(secret, 'root only\n', { mode: 0o644 });
    expect(execFileSync('stat', ['-c', '%u', secret], { encoding: 'utf8' }).trim()).toBe(String(process.getuid?.()));
    // Not started: the job never runs, so the file stays the attacker's target and root's.
    const engine = scratch.engine({ stateDir: scratch.path('state-out') });
    const ref = await engine.submit(engineJob(910, work, { output: secret }));
    await expect(engine.output(ref, 910, { stream: 'stdout', arrayIndex: null, tailLines: null, offset: 0, limit: 1000 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining(`not to the job's owner (uid ${testJobIdentity().uid})`),
    });
  });
});

describe('Unix identity policy: a directory entry with uidNumber 0 (real slapd)', () => {
  let slapd: Slapd;
  let gw: GatewayFixture;
  const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

  beforeAll(async () => {
    slapd = await Slapd.start();
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 1, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true }
${slapd.directoryYaml({})}`,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await slapd?.stop();
  });

  it('logs in: refused with the specific reason, no token, and no user row with that uid', async () => {
    await slapd.modify(`uid=alice,ou=people,${BASE_DN}`, new Change({ operation: 'replace', modification: new Attribute({ type: 'uidNumber', values: ['0'] }) }));
    const e = await refusal(gql(gw.url, null, LOGIN, { u: 'alice', p: 'alice-secret' }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/^directory entry alice has uidNumber 0, below security\.minUid 1000: jobs run as their owner/);
    // A wrong password learns nothing about the entry.
    expect((await refusal(gql(gw.url, null, LOGIN, { u: 'alice', p: 'guess' }))).code).toBe('UNAUTHENTICATED');
    const users = (await gw.admin<{ users: { username: string; uid: number | null }[] }>('{ users { username uid } }')).users;
    expect(users.filter((u) => u.username === 'alice' || u.uid === 0)).toEqual([]);
    expect((await gw.admin<{ tokens: unknown[] }>('{ tokens { id } }')).tokens).toEqual([]);
  });
});
