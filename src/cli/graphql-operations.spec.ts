import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as adminApi from './admin-api';
import * as gatewayApi from './gateway-api';
import type { GatewayClient } from './gateway-client';
import { operationErrors } from '../../test/graphql/validate-operation';

/**
 * Every GraphQL operation the CLI sends is valid against schema.gql, with the variables it sends: a
 * renamed field or argument on the server fails here, not in a user's terminal. The operations are
 * captured by calling each API function with a recording client (documents are built from parts).
 */

type Call = (client: GatewayClient) => Promise<unknown>;
const BATCH = { script: '#!/bin/sh\necho hi\n', args: ['-p', 'debug'], scriptArgs: ['a'], env: { HOME: '/home/a' }, cwd: '/tmp', scriptName: 'job.sh' };
const FILTER = { ids: [1], states: ['RUNNING' as const], users: ['alice'], partitions: ['debug'], names: ['x'], activeAfter: '2024-01-01T00:00:00Z', activeBefore: '2024-01-02T00:00:00Z' };

/** How to call each exported function, with every variation that changes the document. */
const CALLS: Record<string, Call[]> = {
  'gateway-api.listJobs': [(c) => gatewayApi.listJobs(c, FILTER), (c) => gatewayApi.listJobs(c, {}, { spec: true, events: true })],
  'gateway-api.getJob': [(c) => gatewayApi.getJob(c, 1), (c) => gatewayApi.getJob(c, 1, { spec: true, events: true })],
  'gateway-api.listPartitions': [(c) => gatewayApi.listPartitions(c)],
  'gateway-api.whoAmI': [(c) => gatewayApi.whoAmI(c)],
  'gateway-api.login': [(c) => gatewayApi.login(c, 'alice', 'secret')],
  'gateway-api.listUsers': [(c) => gatewayApi.listUsers(c)],
  'gateway-api.submitBatchScript': [(c) => gatewayApi.submitBatchScript(c, BATCH), (c) => gatewayApi.submitBatchScript(c, { ...BATCH, script: null, scriptName: null })],
  'gateway-api.testBatchScript': [(c) => gatewayApi.testBatchScript(c, BATCH)],
  'gateway-api.cancelJob': [(c) => gatewayApi.cancelJob(c, 1, null, null), (c) => gatewayApi.cancelJob(c, 1, 3, 'USR1')],
  'gateway-api.holdJob': [(c) => gatewayApi.holdJob(c, 1)],
  'gateway-api.releaseJob': [(c) => gatewayApi.releaseJob(c, 1)],
  'admin-api.createUser': [(c) => adminApi.createUser(c, { username: 'bob' }), (c) => adminApi.createUser(c, { username: 'bob', uid: 1001, gid: 1001, home: '/home/bob', groups: ['g'], admin: true })],
  'admin-api.listUsers': [(c) => adminApi.listUsers(c)],
  'admin-api.issueToken': [(c) => adminApi.issueToken(c, { username: 'bob', name: 'ci', scopes: ['jobs:read'], expiresInDays: 30 }), (c) => adminApi.issueToken(c, { username: 'bob', name: 'ci', scopes: null, expiresInDays: null })],
  'admin-api.listTokens': [(c) => adminApi.listTokens(c, 'bob'), (c) => adminApi.listTokens(c, null)],
  'admin-api.revokeToken': [(c) => adminApi.revokeToken(c, 1)],
};

/** Functions that build text but send nothing. */
const NOT_OPERATIONS = new Set(['gateway-api.jobFields']);

class Sent extends Error {}

/** The one request a call makes first; the call is then stopped (there is no server to answer). */
async function captured(call: Call): Promise<{ query: string; variables: Record<string, unknown> }> {
  let sent: { query: string; variables: Record<string, unknown> } | undefined;
  const client = {
    request: async (query: string, variables: Record<string, unknown> = {}) => {
      sent = { query, variables };
      throw new Sent();
    },
  } as unknown as GatewayClient;
  await call(client).catch((e: unknown) => {
    if (!(e instanceof Sent)) throw e;
  });
  if (!sent) throw new Error('the call sent no request');
  return sent;
}

describe("the CLI's GraphQL operations, against schema.gql", () => {
  it('covers every function of gateway-api.ts and admin-api.ts', () => {
    const functions = (file: string, mod: object) => Object.entries(mod).flatMap(([k, v]) => (typeof v === 'function' ? [`${file}.${k}`] : []));
    const exported = [...functions('gateway-api', gatewayApi), ...functions('admin-api', adminApi)].filter((name) => !NOT_OPERATIONS.has(name));
    expect(exported.filter((name) => !(name in CALLS))).toEqual([]);
  });

  // Operations sent from anywhere else would escape this test: the CLI sends only through these two files.
  it('sends requests only from gateway-api.ts and admin-api.ts', () => {
    const senders = cliSources(__dirname).filter((f) => /\.request\b/.test(readFileSync(f, 'utf8')));
    expect(senders.map((f) => f.slice(__dirname.length + 1)).sort()).toEqual(['admin-api.ts', 'gateway-api.ts']);
  });

  it.each(Object.entries(CALLS))('%s', async (name, calls) => {
    for (const call of calls) {
      const { query, variables } = await captured(call);
      const errors = operationErrors(query, variables);
      if (errors.length) throw new Error(`${name} sends an operation schema.gql refuses:\n${query}\nvariables: ${JSON.stringify(variables)}\n- ${errors.join('\n- ')}`);
    }
  });
});

function cliSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return cliSources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('spec.ts') ? [p] : [];
  });
}
