import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { GatewayFixture } from '../../test/support/gateway-fixture';
import { gql, refusal } from '../../test/support/graphql-client';

/** Attacks on the cost of one request (issue 13 item 4), over HTTP and graphql-ws; and what must keep working. */
describe('GraphQL cost limits', () => {
  let gw: GatewayFixture;
  let alice: string;

  beforeAll(async () => {
    gw = await GatewayFixture.start({ env: { HPCG_MAX_SCRIPT_BYTES: '65536' } });
    alice = await gw.user('alice', { uid: 5001, gid: 5001 });
  }, 120_000);
  afterAll(() => gw?.stop());

  const post = (body: unknown, token: string | null = null) =>
    fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** The server still answers an ordinary query after an attack. */
  const stillServes = async () => expect(await gql(gw.url, alice, '{ me { username } }')).toEqual({ me: { username: 'alice' } });

  const ws = (token: string | null): Client =>
    createClient({ url: gw.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });

  /** One operation over graphql-ws: its data, or the errors the server sent. */
  const overWs = (client: Client, query: string, variables: Record<string, unknown> = {}) =>
    new Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string; details?: any } }[] }>((resolve, reject) => {
      client.subscribe(
        { query, variables },
        {
          next: (r) => resolve(r as any),
          error: (e) => (Array.isArray(e) ? resolve({ errors: e as any }) : reject(e)),
          complete: () => undefined,
        },
      );
    });

  it('unauthenticated introspection over HTTP is refused; __typename is not; with a token it works', async () => {
    expect(await refusal(gql(gw.url, null, '{ __schema { types { name } } }'))).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/introspection.*bearer token/) });
    expect(await refusal(gql(gw.url, null, '{ __type(name: "Job") { fields { name } } }'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(gql(gw.url, 'not-a-valid-token-at-all', '{ __schema { queryType { name } } }'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await gql(gw.url, null, '{ __typename }')).toEqual({ __typename: 'Query' });
    const schema = await gql<{ __schema: { types: { name: string }[] } }>(gw.url, alice, '{ __schema { types { name } } }');
    expect(schema.__schema.types.map((t) => t.name)).toContain('Job');
  });

  it('an unauthenticated graphql-ws socket is closed before any operation (introspection included); with a token introspection works', async () => {
    const anonymous = ws(null);
    const authed = ws(alice);
    try {
      // A socket without a valid token is closed when it opens: no operation on it ever runs.
      const refused = await overWs(anonymous, '{ __schema { types { name } } }').then(
        () => null,
        (e: { code: number; reason: string }) => e,
      );
      expect(refused).toMatchObject({ code: 4403, reason: expect.stringMatching(/^Forbidden: send connection params/) });
      const ok = await overWs(authed, '{ __type(name: "Job") { name } }');
      expect(ok).toEqual({ data: { __type: { name: 'Job' } } });
    } finally {
      await Promise.all([anonymous.dispose(), authed.dispose()]);
    }
  });

  it('an alias flood (through a fragment) is refused before any resolver runs', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: username`).join(' ');
    const r = await refusal(gql(gw.url, alice, `{ me { ...F } } fragment F on User { ${aliases} }`));
    expect(r).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('HPCG_GRAPHQL_MAX_ALIASES') });
    const roots = Array.from({ length: 25 }, (_, i) => `j${i}: jobs(page: { limit: 1000 }) { total }`).join(' ');
    expect(await refusal(gql(gw.url, alice, `{ ${roots} }`))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await stillServes();
  });

  it('a page of 1000 jobs each resolving its events is refused; a page of 50 plain jobs is served', async () => {
    const r = await refusal(gql(gw.url, alice, 'query($p: PageInput) { jobs(page: $p) { items { id events { at toState actor } } } }', { p: { limit: 1000 } }));
    // Over HTTP the formatter passes the code and message (details only for DomainErrors from resolvers).
    expect(r).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('HPCG_GRAPHQL_MAX_COMPLEXITY') });
    expect(Number(/complexity (\d+) exceeds/.exec(r.message)?.[1])).toBeGreaterThan(100_000);
    expect(await gql(gw.url, alice, '{ jobs(page: { limit: 50 }) { items { id state } total } }')).toEqual({ jobs: { items: [], total: 0 } });
    // What the CLI's squeue sends (src/cli/gateway-api.ts) stays within the limit.
    expect(await gql(gw.url, alice, '{ jobs(page: { limit: 1000 }) { total items { id name state arrayTasks { index state } } } }')).toMatchObject({ jobs: { total: 0 } });
  });

  it('a costly query over graphql-ws is refused like over HTTP; an ordinary one is answered', async () => {
    const client = ws(alice);
    try {
      const costly = await overWs(client, '{ jobs(page: { limit: 1000 }) { items { events { at } } } }');
      expect(costly.errors?.[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', details: { limit: 'HPCG_GRAPHQL_MAX_COMPLEXITY' } } });
      expect(await overWs(client, '{ me { username } }')).toEqual({ data: { me: { username: 'alice' } } });
    } finally {
      await client.dispose();
    }
  });

  it('an oversized body gets a 413 that says the limit; the server keeps serving', async () => {
    // Default limit: 2 × HPCG_MAX_SCRIPT_BYTES (65536) + 64 KiB = 196608 bytes.
    const res = await post({ query: '{ __typename }', variables: { pad: 'x'.repeat(300_000) } }, alice);
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED' }, message: expect.stringMatching(/at most 196608 bytes \(HPCG_GRAPHQL_MAX_BODY_BYTES\)/) });
    await stillServes();
  });

  it('a batched array body is refused, and none of its operations runs', async () => {
    const res = await post([{ query: 'mutation { issueToken(username: "alice", name: "batched") { token } }' }, { query: '{ me { username } }' }], alice);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batch/i);
    const tokens = await gql<{ tokens: { name: string }[] }>(gw.url, alice, '{ tokens { name } }');
    expect(tokens.tokens.map((t) => t.name)).not.toContain('batched');
  });

  it('a subscription over graphql-ws still delivers events', async () => {
    const client = ws(alice);
    try {
      const first = overWs(client, 'subscription { jobUpdated { id user } }');
      await new Promise((r) => setTimeout(r, 500)); // the subscription is registered before the job exists
      await gql(gw.url, alice, 'mutation($s: String!) { submitBatchScript(script: $s) { jobId } }', { s: '#!/bin/sh\ntrue\n' });
      expect(await first).toMatchObject({ data: { jobUpdated: { user: 'alice' } } });
    } finally {
      await client.dispose();
    }
  });
});

describe('GraphQL cost limits, configured tighter', () => {
  let gw: GatewayFixture;
  let alice: string;
  beforeAll(async () => {
    gw = await GatewayFixture.start({ env: { HPCG_GRAPHQL_MAX_DEPTH: '3', HPCG_GRAPHQL_INTROSPECTION: 'off' } });
    alice = await gw.user('alice', { uid: 5001, gid: 5001 });
  }, 120_000);
  afterAll(() => gw?.stop());

  it('a query deeper than HPCG_GRAPHQL_MAX_DEPTH over graphql-ws is refused; HTTP likewise; introspection off refuses even a token', async () => {
    const client = createClient({ url: gw.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${alice}` }, retryAttempts: 0 });
    try {
      const result = await new Promise<any>((resolve, reject) =>
        client.subscribe({ query: '{ notebooks { job { events { at } } } }' }, { next: resolve, error: (e) => (Array.isArray(e) ? resolve({ errors: e }) : reject(e)), complete: () => undefined }),
      );
      expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', details: { limit: 'HPCG_GRAPHQL_MAX_DEPTH', value: 4, max: 3 } } });
    } finally {
      await client.dispose();
    }
    expect(await refusal(gql(gw.url, alice, '{ notebooks { job { events { at } } } }'))).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/depth 4 exceeds the maximum of 3 \(HPCG_GRAPHQL_MAX_DEPTH\)/) });
    expect(await refusal(gql(gw.url, alice, '{ __schema { queryType { name } } }'))).toMatchObject({ code: expect.stringMatching(/FORBIDDEN|GRAPHQL_VALIDATION_FAILED/) });
    expect(await gql(gw.url, alice, '{ notebooks { id } }')).toEqual({ notebooks: [] });
  });
});
