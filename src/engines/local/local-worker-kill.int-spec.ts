import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayFixture, eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { ownedDir } from '../../../test/support/test-accounts';

/**
 * Issue 15, on the real processes: a worker killed with SIGKILL while its local engine starts tasks,
 * again and again, and restarted each time. Every job must run exactly once (the scripts count their
 * runs in files) and complete. Then a second gateway with its own database on the same state directory:
 * its worker refuses to start.
 */
const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state exitCode } }`;
const KILLS = 5;
const JOBS_PER_ROUND = 3;

jest.setTimeout(600_000);

describe('local engine: a worker killed while tasks start', () => {
  let gw: GatewayFixture;
  let other: GatewayFixture | null = null;
  beforeAll(async () => {
    gw = await GatewayFixture.start();
  });
  afterAll(async () => {
    await other?.stop();
    await gw.stop();
  });

  it(`${KILLS} SIGKILLs of the worker while tasks start: every job runs exactly once and completes`, async () => {
    const token = await gw.user('killed');
    const work = ownedDir(join(gw.dir, 'work'));
    const stateDir = join(gw.env.HPCG_STATE_DIR, 'local', 'local');
    const runs = (id: number) => (existsSync(join(work, `runs-${id}`)) ? readFileSync(join(work, `runs-${id}`), 'utf8').split('\n').filter(Boolean).length : 0);
    const taskFile = (id: number, name: string) => join(stateDir, String(id), 'tasks', 'batch', name);

    await gw.startWorker();
    const ids: number[] = [];
    let killedBeforeLauncher = 0;
    for (let round = 0; round < KILLS; round++) {
      const batch: number[] = [];
      for (let i = 0; i < JOBS_PER_ROUND; i++) {
        const r = await gql<{ submitBatchScript: { jobId: number } }>(gw.url, token, SUBMIT, { s: `#!/bin/sh\necho ran >> ${work}/runs-$SLURM_JOB_ID\n`, a: ['-J', `k${round}`], cwd: work });
        batch.push(r.submitBatchScript.jobId);
      }
      ids.push(...batch);
      // The moment the executor claims one of them: the task is starting.
      const claimed = await eventually(async () => batch.find((id) => existsSync(taskFile(id, 'claim'))), 60_000, `a claim among jobs ${batch.join(',')}`, 5);
      if (!existsSync(taskFile(claimed, 'launcher'))) killedBeforeLauncher++;
      await gw.worker!.stop(true);
      await gw.startWorker();
    }

    const finals = await eventually(
      async () => {
        const states = await Promise.all(ids.map(async (id) => (await gql<{ job: { state: string; exitCode: number } }>(gw.url, token, STATE, { id })).job));
        return states.every((s) => ['COMPLETED', 'FAILED', 'NODE_FAIL', 'CANCELLED', 'TIMEOUT'].includes(s.state)) ? states : null;
      },
      180_000,
      'every job to finish',
    );
    expect(finals.map((s) => s.state)).toEqual(ids.map(() => 'COMPLETED'));
    expect(ids.map(runs)).toEqual(ids.map(() => 1));
    console.log(`worker kills: ${KILLS} (${killedBeforeLauncher} before the claimed task's launcher stamp), ${ids.length} jobs, each ran once`);
  });

  it('a second gateway with its own database refuses to start its worker on the same state directory', async () => {
    other = await GatewayFixture.start({ env: { HPCG_STATE_DIR: gw.env.HPCG_STATE_DIR } });
    const stateDir = join(gw.env.HPCG_STATE_DIR, 'local', 'local');
    const ours = readFileSync(join(stateDir, 'database-id'), 'utf8').trim();
    const failure = await other.startWorker().then(
      () => null,
      (e: Error) => e,
    );
    expect(failure?.message).toMatch(/^worker exited with 1 before listening/);
    const log = readFileSync(failure!.message.match(/log: (\S+)/)![1], 'utf8');
    expect(log).toContain(`state directory ${stateDir} is not usable: it belongs to another gateway database (id ${ours}, recorded in ${stateDir}/database-id)`);
    expect(readFileSync(join(stateDir, 'database-id'), 'utf8').trim()).toBe(ours);
  });
});
