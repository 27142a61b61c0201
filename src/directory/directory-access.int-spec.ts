import { chmodSync } from 'node:fs';
import { Attribute, Change } from 'ldapts';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { gql, refusal } from '../../test/support/graphql-client';
import { describeAsRoot } from '../../test/support/describe-as-root';
import { REFUSED_LOGINS } from '../../test/directory/hostile-logins';
import { DirectoryHomes } from '../../test/directory/homes';
import { BASE_DN, Slapd } from '../../test/directory/slapd';

/**
 * Issue 4 "Done means", against a real slapd and the built gateway and worker: directory login,
 * refusal of every wrong or hostile attempt, rate limits, service tokens acting for users, the sync
 * that disables removed users, partition group ACLs and per-user limits.
 */

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token username expiresAt } }`;
const ME = `{ me { username uid gid home groups admin disabled } }`;
const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const JOB = `query($id: Int!) { job(id: $id) { state reason } }`;

describeAsRoot('directory identity and access', 'jobs of directory users run under their uid, which needs a root worker', () => {
  jest.setTimeout(120_000);
  let slapd: Slapd;
  let gw: GatewayFixture;
  const homes = new DirectoryHomes();
  const tokens: Record<string, string> = {};

  const login = (u: string, p: string) => gql<{ login: { token: string; username: string; expiresAt: string } }>(gw.url, null, LOGIN, { u, p });
  const submit = (who: string, args: string[], script = '#!/bin/sh\nsleep 30\n') => gql(gw.url, tokens[who], SUBMIT, { s: script, a: args }).then((r) => r.submitBatchScript.jobId as number);

  beforeAll(async () => {
    slapd = await Slapd.start();
    for (const [name, uid] of [['alice', 20001], ['bob', 20002], ['carol', 20003]] as const) await homes.create(slapd, name, uid, uid);
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 4, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
  - { name: gpu, engine: local, allowGroups: [gpu-users] }
limits:
  default: { maxQueued: 6, maxRunning: 1, maxCpus: 2 }
  groups: { hpc-admins: { maxQueued: 100, maxRunning: 10, maxCpus: 4 } }
${slapd.directoryYaml({ requiredGroup: 'hpcusers', syncIntervalSeconds: 1, loginRateLimit: { maxFailuresPerUser: 3, maxFailuresPerAddress: 25, windowSeconds: 60 } })}`,
    });
    // The jobs run as the users: they must reach their scripts in the state directory inside the fixture's folder.
    chmodSync(gw.dir, 0o711);
    await gw.startWorker();
  });
  afterAll(async () => {
    await gw?.stop();
    await slapd?.stop();
    homes.cleanup();
  });

  it('a good login returns a token for the directory identity: uid, gid, home, groups, admin from the admin group', async () => {
    const alice = await login('alice', 'alice-secret');
    expect(alice.login.username).toBe('alice');
    expect(new Date(alice.login.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    tokens.alice = alice.login.token;
    expect((await gql(gw.url, tokens.alice, ME)).me).toEqual({
      username: 'alice',
      uid: 20001,
      gid: 20001,
      home: `${homes.root}/alice`,
      groups: ['alice', 'gpu-users', 'hpcusers'],
      admin: false,
      disabled: false,
    });
    tokens.bob = (await login('bob', 'bob-secret')).login.token;
    tokens.carol = (await login('carol', 'carol-secret')).login.token;
    expect((await gql(gw.url, tokens.carol, ME)).me).toMatchObject({ username: 'carol', admin: true });
  });

  // A name with a NUL is refused as a name before the directory is asked (src/auth/login-rate-limit.int-spec.ts).
  const wellFormed = REFUSED_LOGINS.filter(([, u]) => !u.includes('\u0000'));
  it.each([...wellFormed, ['a user outside the required group', 'erin', 'erin-secret']])('refuses %s with the one same answer', async (_what, u, p) => {
    expect(await refusal(login(u, p))).toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid user name or password' });
  });

  it('refuses a name with a NUL byte as a name', async () => {
    expect(await refusal(login('alice\u0000', 'alice-secret'))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'username' } });
  });

  it('rate limits failed logins per user: after 3 failures even the right password waits', async () => {
    for (let i = 0; i < 3; i++) expect((await refusal(login('carol', `guess-${i}`))).code).toBe('UNAUTHENTICATED');
    const limited = await refusal(login('carol', 'carol-secret'));
    expect(limited.code).toBe('LIMIT_EXCEEDED');
    expect(limited.message).toMatch(/^too many failed logins for user "carol"; try again in \d+ seconds$/);
    expect(limited.details).toMatchObject({ limit: 'maxFailuresPerUser' });
    // Other users are not affected.
    expect((await login('alice', 'alice-secret')).login.username).toBe('alice');
  });

  it('a service token acts for a user only with the act-as scope, never for an administrator', async () => {
    await gw.admin(`mutation { createUser(username: "jupyterhub", serviceAccount: true) { id } }`);
    const issue = (scopes: string[]) => gw.admin<{ issueToken: { token: string } }>(`mutation($s: [String!]) { issueToken(username: "jupyterhub", name: "hub", scopes: $s) { token } }`, { s: scopes }).then((r) => r.issueToken.token);
    const service = await issue(['users:act-as', 'jobs:read']);
    const plain = await issue(['jobs:read']);
    const asUser = async (token: string, user: string) => {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-hpcg-act-as': user }, body: JSON.stringify({ query: ME }) });
      const body = (await res.json()) as { data?: { me: { username: string } }; errors?: { extensions: { code: string } }[] };
      return body.data?.me.username ?? body.errors?.[0].extensions.code;
    };
    expect(await asUser(service, 'alice')).toBe('alice');
    // carol is a directory administrator: a service never acts for one.
    expect(await asUser(service, 'carol')).toBe('FORBIDDEN');
    expect(await asUser(service, 'nobody')).toBe('FORBIDDEN');
    expect(await asUser(plain, 'alice')).toBe('FORBIDDEN');
    expect(await asUser(gw.adminToken, 'alice')).toBe('FORBIDDEN');
  });

  it('partitions admit only their allowed groups', async () => {
    const id = await submit('alice', ['-p', 'gpu', '--hold']);
    expect(id).toBeGreaterThan(0);
    const refused = await refusal(submit('bob', ['-p', 'gpu', '--hold']));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/you may not use partition gpu: it is limited to the groups gpu-users/);
    await gql(gw.url, tokens.alice, `mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id });
  });

  it('limits: a job over a CPU cap is refused naming it; a second running job pends with QOSMaxJobsPerUserLimit; maxQueued refuses', async () => {
    const tooBig = await refusal(submit('bob', ['-c', '3']));
    expect(tooBig).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxCpus', asked: 3, allowed: 2 } });
    expect(tooBig.message).toMatch(/limit maxCpus/);
    // carol's group grants more.
    expect(await submit('carol', ['-c', '3', '--hold'])).toBeGreaterThan(0);

    const first = await submit('bob', []);
    await eventually(async () => (await gql(gw.url, tokens.bob, JOB, { id: first })).job.state === 'RUNNING', 20_000, 'first job to run');
    const second = await submit('bob', []);
    await eventually(async () => (await gql(gw.url, tokens.bob, JOB, { id: second })).job.reason === 'QOSMaxJobsPerUserLimit', 10_000, 'second job to pend on the limit');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await gql(gw.url, tokens.bob, JOB, { id: second })).job).toEqual({ state: 'PENDING', reason: 'QOSMaxJobsPerUserLimit' });

    // Bob has 2 unfinished jobs; maxQueued 6 admits 4 more, then refuses.
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await submit('bob', ['--hold']));
    const queued = await refusal(submit('bob', ['--hold']));
    expect(queued).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxQueued', queued: 6, allowed: 6 } });
    expect(queued.message).toMatch(/^QOSMaxSubmitJobPerUserLimit: bob has 6 unfinished jobs/);
    for (const id of held) await gql(gw.url, tokens.bob, `mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id });

    // When the running job ends, the pending one starts.
    await gql(gw.url, tokens.bob, `mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id: first });
    await eventually(async () => (await gql(gw.url, tokens.bob, JOB, { id: second })).job.state === 'RUNNING', 20_000, 'second job to start');
  });

  it('a user removed from the directory is refused after the sync: token, login, and their pending jobs are cancelled; history stays', async () => {
    const running = (await gw.admin(`{ jobs(filter: { users: ["bob"], states: [RUNNING] }) { items { id } } }`)).jobs.items[0].id as number;
    const pending = await submit('bob', ['--hold']);
    await slapd.deleteEntry(`uid=bob,ou=people,${BASE_DN}`);
    const refusedAt = await eventually(async () => ((await refusal(gql(gw.url, tokens.bob, ME)).catch(() => null))?.code === 'UNAUTHENTICATED' ? Date.now() : null), 15_000, 'bob to be refused');
    expect(refusedAt).toBeGreaterThan(0);
    expect((await refusal(login('bob', 'bob-secret'))).code).toBe('UNAUTHENTICATED');
    await eventually(async () => (await gw.admin(JOB, { id: pending })).job.state === 'CANCELLED', 10_000, "bob's held job to be cancelled");
    const events = await gw.admin(`query($id: Int!) { job(id: $id) { events { toState actor } } }`, { id: pending });
    expect(events.job.events.at(-1)).toEqual({ toState: 'CANCELLED', actor: 'system:directory-sync' });
    // Running work is left to finish (or an administrator's scancel); the user and their history stay.
    expect((await gw.admin(JOB, { id: running })).job.state).toBe('RUNNING');
    const users = await gw.admin(`{ users { username disabled } }`);
    expect(users.users).toEqual(expect.arrayContaining([{ username: 'bob', disabled: true }, { username: 'alice', disabled: false }]));
    await gw.admin(`mutation($id: Int!) { cancelJob(id: $id) { state } }`, { id: running });
  });

  it('rate limits failed logins per client address', async () => {
    let limited: { code?: string; details?: Record<string, unknown> } | null = null;
    for (let i = 0; i < 30 && !limited; i++) {
      const r = await refusal(login(`nobody${i}`, 'x'));
      if (r.code === 'LIMIT_EXCEEDED') limited = r;
    }
    expect(limited).toMatchObject({ details: { limit: 'maxFailuresPerAddress' } });
    expect((await refusal(login('alice', 'alice-secret'))).code).toBe('LIMIT_EXCEEDED');
  });
});
