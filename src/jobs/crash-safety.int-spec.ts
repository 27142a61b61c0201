import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { gql } from '../../test/support/graphql-client';
import { ownedDir } from '../../test/support/test-accounts';

/** DESIGN.md §6: Redis may lose everything and no job is lost; a crash never submits twice. */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state exitCode events { fromState toState actor } } }`;

/** A private redis-server for this test, so restarting it disturbs no other test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const c = connect(port, '127.0.0.1');
        c.once('connect', () => (c.destroy(), resolve(true)));
        c.once('error', () => resolve(false));
      }),
    10_000,
    'redis-server to listen',
    100,
  );
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

describe('crash safety', () => {
  jest.setTimeout(120_000);

  it('a Redis restart with jobs queued loses none of them', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const gw = await GatewayFixture.start({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const token = await gw.user('redis-user');
      // Jobs run as the test account, never as root: they write in a folder of its own.
      const work = ownedDir(join(gw.dir, 'work'));
      const marker = join(work, 'ran');
      // No worker yet: the jobs sit in the submit queue, in Redis only.
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await gql(gw.url, token, SUBMIT, {
          s: `#!/bin/sh\necho ${i} >> ${marker}-${i}\n`,
          a: ['-J', `r${i}`],
          cwd: work,
        });
        ids.push(r.submitBatchScript.jobId);
      }
      // Redis keeps nothing on disk: a restart is a flush.
      await stopProcess(redis);
      redis = await startRedis(port);
      await gw.startWorker();
      for (const id of ids) {
        await eventually(async () => (await gw.admin(STATE, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);
      }
      for (let i = 0; i < 12; i++) expect(readFileSync(`${marker}-${i}`, 'utf8')).toBe(`${i}\n`);
    } finally {
      await gw.stop();
      await stopProcess(redis);
    }
  });

  it('a worker killed between "submitted to the engine" and "recorded" does not run the job twice', async () => {
    const gw = await GatewayFixture.start();
    try {
      const token = await gw.user('crash-user');
      const work = ownedDir(join(gw.dir, 'work'));
      const runs = join(work, 'runs.log');
      const worker = await gw.startWorker({ HPCG_FAULT: 'crash-after-engine-submit' });
      const r = await gql(gw.url, token, SUBMIT, { s: `#!/bin/sh\necho run >> ${runs}\nsleep 2\n`, a: ['-J', 'once'], cwd: work });
      const id = r.submitBatchScript.jobId;
      // The fault hook kills the worker right after the engine accepted the job.
      expect(await worker.waitExit()).not.toBe(0);
      const before = await gw.admin(STATE, { id });
      expect(before.job.state).toBe('PENDING');

      await gw.startWorker();
      await eventually(async () => (await gw.admin(STATE, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);
      // Give a duplicate every chance to show up before counting.
      await new Promise((res) => setTimeout(res, 1500));
      expect(existsSync(runs)).toBe(true);
      expect(readFileSync(runs, 'utf8')).toBe('run\n');
    } finally {
      await gw.stop();
    }
  });
});
