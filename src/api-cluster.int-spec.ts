import { readFileSync } from 'node:fs';
import { GatewayFixture, eventually } from '../test/support/gateway-fixture';
import { gql } from '../test/support/graphql-client';

/** HPCG_API_PROCESSES: replicas sharing one port, replaced when they die, stopped together. */

const SUBMIT = `mutation($s: String!, $cwd: String) { submitBatchScript(script: $s, cwd: $cwd) { jobId } }`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('API replicas (HPCG_API_PROCESSES=2)', () => {
  let gw: GatewayFixture;
  const replicas = () =>
    readFileSync(gw.api.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"listening"'))
      .map((l) => JSON.parse(l) as { pid: number; port: number });

  beforeAll(async () => {
    gw = await GatewayFixture.start({ env: { HPCG_API_PROCESSES: '2' } });
  }, 60_000);
  afterAll(() => gw?.stop());

  it('serves from two processes on one port, replaces a replica that dies, and stops them all on SIGTERM', async () => {
    const first = await eventually(async () => (replicas().length === 2 ? replicas() : null), 30_000, 'two replicas listening');
    expect(new Set(first.map((r) => r.port))).toEqual(new Set([gw.api.port]));
    expect(first[0].pid).not.toBe(first[1].pid);

    const token = await gw.user('alice');
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => (await gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, SUBMIT, { s: '#!/bin/sh\ntrue\n', cwd: gw.dir })).submitBatchScript.jobId),
    );
    expect(new Set(ids).size).toBe(20);

    process.kill(first[0].pid, 'SIGKILL');
    const third = await eventually(async () => replicas().find((r) => !first.some((f) => f.pid === r.pid)), 30_000, 'a replacement replica');
    expect(alive(first[0].pid)).toBe(false);
    // Every request still succeeds: the port is served by the surviving and the new replica.
    for (let i = 0; i < 10; i++) expect((await gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, SUBMIT, { s: '#!/bin/sh\ntrue\n', cwd: gw.dir })).submitBatchScript.jobId).toBeGreaterThan(0);

    expect(await gw.api.stop()).toBe(0);
    await eventually(async () => !alive(first[1].pid) && !alive(third.pid), 10_000, 'replicas to exit');
  }, 90_000);
});
