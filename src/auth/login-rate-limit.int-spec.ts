import { request } from 'node:http';
import Redis from 'ioredis';
import { GatewayFixture } from '../../test/support/gateway-fixture';
import { gql } from '../../test/support/graphql-client';
import { BASE_DN, Slapd } from '../../test/directory/slapd';

/**
 * Issue 13 item 7, against a real slapd (which logs every bind, so the test counts the guesses that
 * reached the directory) and the built gateway: each test is an attacker's steps, asserting the
 * refusal and that nothing happened (no bind, no token, counters where they must be).
 *
 * The gateway trusts 127.0.0.1 as its proxy: requests from 127.0.0.1 carry the client in
 * X-Forwarded-For (so a test can be "many clients"); requests from 127.0.0.2 are an untrusted peer.
 */

jest.setTimeout(90_000);

const WINDOW = 8;
const PER_USER = 5;
const PER_ADDRESS = 8;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token username } }`;
const dnOf = (uid: string) => `uid=${uid},ou=people,${BASE_DN}`;

interface Answer {
  token?: string;
  username?: string;
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
}

describe('login rate limiting cannot be sidestepped (real slapd)', () => {
  let slapd: Slapd;
  let gw: GatewayFixture;
  let redis: Redis;
  let prefix: string;

  /** One login over HTTP from a chosen local address, optionally with an X-Forwarded-For header. */
  function login(username: string, password: string, via: { from?: string; xff?: string } = {}): Promise<Answer> {
    const body = JSON.stringify({ query: LOGIN, variables: { u: username, p: password } });
    const { port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          localAddress: via.from ?? '127.0.0.1',
          method: 'POST',
          path: '/graphql',
          // A fresh connection per login, like separate clients.
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(via.xff !== undefined ? { 'x-forwarded-for': via.xff } : {}) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            const json = JSON.parse(text) as { data?: { login: { token: string; username: string } }; errors?: { message: string; extensions?: { code?: string; details?: Record<string, unknown> } }[] };
            const e = json.errors?.[0];
            resolve(e ? { code: e.extensions?.code, message: e.message, details: e.extensions?.details } : { token: json.data!.login.token, username: json.data!.login.username });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const count = async (kind: 'user' | 'addr', key: string) => Number((await redis.get(`${prefix}:${kind}:${key}`)) ?? 0);
  const keys = async (kind: 'user' | 'addr') => (await redis.keys(`${prefix}:${kind}:*`)).map((k) => k.slice(`${prefix}:${kind}:`.length)).sort();
  /** slapd writes its log a moment after answering: read the bind count once it has settled. */
  async function settledBinds(uid: string): Promise<number> {
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const now = slapd.binds(dnOf(uid));
      if (now === last) return now;
      last = now;
    }
  }
  const me = (token: string) => gql<{ me: { username: string } }>(gw.url, token, '{ me { username } }').then((r) => r.me.username);

  beforeAll(async () => {
    slapd = await Slapd.start({ logStats: true });
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 1, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
security: { trustedProxies: ["127.0.0.1/32"] }
${slapd.directoryYaml({ loginRateLimit: { maxFailuresPerUser: PER_USER, maxFailuresPerAddress: PER_ADDRESS, windowSeconds: WINDOW } })}`,
    });
    redis = new Redis('redis://127.0.0.1:6379');
    prefix = `${gw.env.HPCG_QUEUE_PREFIX}:login-failures`;
  });
  afterAll(async () => {
    redis?.disconnect();
    await gw?.stop();
    await slapd?.stop();
  });

  it('names with whitespace at an end, control characters or NUL are refused as names, bind nothing, and count against the address', async () => {
    const from = { xff: '198.51.100.10' };
    for (const name of [' alice', 'alice ', 'ALICE ', 'alice\t', 'alice\u0000', 'al\u0000ice', 'alice\u0085', '\u00a0alice']) {
      const answer = await login(name, 'alice-secret', from);
      expect(answer.token).toBeUndefined();
      expect(answer.code).toBe('BAD_USER_INPUT');
      expect(answer.message).toMatch(/^username is not a valid user name: it .*; a user name is 1 to 256 characters, without leading or trailing whitespace, control characters/);
      expect(answer.details).toMatchObject({ field: 'username' });
    }
    expect(await settledBinds('alice')).toBe(0);
    expect(await count('addr', '198.51.100.10')).toBe(8);
    expect(await keys('user')).toEqual([]);
    // The address has spent its attempts: even a well-formed name with the right password waits.
    expect(await login('alice', 'alice-secret', from)).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxFailuresPerAddress' } });
  });

  it('spellings that find the same entry share one count: five wrong guesses as Alice/ALICE/aLiCe, then even "alice" with the right password waits', async () => {
    const spellings = ['Alice', 'ALICE', 'aLiCe', 'alice', 'ALICe'];
    for (const [i, name] of spellings.entries()) {
      // A new client address for each, so only the per-user count can stop this.
      expect(await login(name, `guess-${i}`, { xff: `198.51.100.${20 + i}` })).toEqual({ code: 'UNAUTHENTICATED', message: 'invalid user name or password', details: {} });
    }
    const refused = await login('alice', 'alice-secret', { xff: '198.51.100.30' });
    expect(refused.token).toBeUndefined();
    expect(refused.code).toBe('LIMIT_EXCEEDED');
    expect(refused.message).toMatch(/^too many failed logins for user "alice"; try again in \d+ seconds$/);
    expect(refused.details).toMatchObject({ limit: 'maxFailuresPerUser' });
    // Another spelling is the same user.
    expect(await login('Alice', 'alice-secret', { xff: '198.51.100.31' })).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/for user "Alice"/) });
    expect(await settledBinds('alice')).toBe(PER_USER);
    // One counter, under the directory's uid: 5 failures and 2 refusals.
    expect(await keys('user')).toEqual(['alice']);
    expect(await count('user', 'alice')).toBe(PER_USER + 2);
  });

  it('60 parallel wrong guesses against bob from 60 addresses: 5 reach the bind; then his right password is refused until the window has passed', async () => {
    const answers = await Promise.all([...Array(60)].map((_, i) => login('bob', `guess-${i}`, { xff: `198.18.${i >> 8}.${i & 255}` })));
    const byCode = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.code ?? 'OK']: (acc[a.code ?? 'OK'] ?? 0) + 1 }), {});
    expect(byCode).toEqual({ UNAUTHENTICATED: PER_USER, LIMIT_EXCEEDED: 60 - PER_USER });
    expect(await settledBinds('bob')).toBe(PER_USER);

    const refused = await login('bob', 'bob-secret', { xff: '198.18.1.1' });
    expect(refused.token).toBeUndefined();
    expect(refused).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxFailuresPerUser' } });
    const wait = refused.details!.retryAfterSeconds as number;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(WINDOW);
    expect(await settledBinds('bob')).toBe(PER_USER);

    await new Promise((r) => setTimeout(r, wait * 1000 + 1000));
    const ok = await login('bob', 'bob-secret', { xff: '198.18.1.2' });
    expect(ok.username).toBe('bob');
    expect(await me(ok.token!)).toBe('bob');
    expect(await settledBinds('bob')).toBe(PER_USER + 1);
    expect(await count('user', 'bob')).toBe(0);
  });

  it('X-Forwarded-For from an untrusted peer is ignored: rotating it does not reset the per-address count', async () => {
    const untrusted = { from: '127.0.0.2' };
    for (let i = 0; i < PER_ADDRESS; i++) {
      expect(await login(`nobody-${i}`, 'x', { ...untrusted, xff: `203.0.113.${i + 1}` })).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const refused = await login('carol', 'carol-secret', { ...untrusted, xff: '203.0.113.99' });
    expect(refused.token).toBeUndefined();
    expect(refused).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'maxFailuresPerAddress' } });
    expect(refused.message).toMatch(/^too many failed logins for address 127\.0\.0\.2; try again in \d+ seconds$/);
    expect(await settledBinds('carol')).toBe(0);
    expect(await count('addr', '127.0.0.2')).toBe(PER_ADDRESS + 1);
    expect((await keys('addr')).filter((a) => a.startsWith('203.0.113.'))).toEqual([]);
  });

  it('from the trusted proxy, the right-most forwarded address is the client: its limit holds whatever the client writes to the left, and other clients are not affected', async () => {
    for (let i = 0; i < PER_ADDRESS; i++) {
      // The attacker's own X-Forwarded-For varies; the proxy appends the address it saw.
      expect(await login(`stranger-${i}`, 'x', { xff: `10.0.0.${i}, 6.6.6.${i}, 203.0.113.50` })).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const refused = await login('carol', 'carol-secret', { xff: '6.6.6.6, 203.0.113.50' });
    expect(refused.token).toBeUndefined();
    expect(refused.message).toMatch(/^too many failed logins for address 203\.0\.113\.50; /);
    expect(await count('addr', '203.0.113.50')).toBe(PER_ADDRESS + 1);
    expect((await keys('addr')).filter((a) => a.startsWith('6.6.6.') || a.startsWith('10.0.0.') || a === '127.0.0.1')).toEqual([]);
    expect(await settledBinds('carol')).toBe(0);
    // Carol, behind the same proxy from another address, logs in.
    const ok = await login('carol', 'carol-secret', { xff: '203.0.113.51' });
    expect(await me(ok.token!)).toBe('carol');
  });

  it('the legitimate user logs in under any case of her name; a success clears her failures, not her address\'s', async () => {
    const from = { xff: '192.0.2.40' };
    for (let i = 0; i < PER_USER - 1; i++) expect(await login('carol', `typo-${i}`, from)).toMatchObject({ code: 'UNAUTHENTICATED' });
    const ok = await login('Carol', 'carol-secret', from);
    expect(ok.username).toBe('carol');
    expect(await me(ok.token!)).toBe('carol');
    expect(await count('user', 'carol')).toBe(0);
    // The address keeps its failures; the success itself was not counted.
    expect(await count('addr', '192.0.2.40')).toBe(PER_USER - 1);
    // Four more typos (from elsewhere) and she is still in: the earlier four were forgotten.
    for (let i = 0; i < PER_USER - 1; i++) expect(await login('carol', `typo-again-${i}`, { xff: '192.0.2.41' })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await login('carol', 'carol-secret', { xff: '192.0.2.41' })).username).toBe('carol');
  });
});
