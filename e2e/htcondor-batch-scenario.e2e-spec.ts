import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../test/support/gateway-fixture';
import { bin } from '../test/support/gateway-process';
import { gql } from '../test/support/graphql-client';
import { HtcondorGateway, startHtcondorGateway } from '../test/htcondor/htcondor-gateway';
import { parseSubmitDescription } from '../test/htcondor/submit-description-parser';
import { describeBatchScenario } from './batch-scenario';

/**
 * The core scenario, unchanged, on the HTCondor engine: the worker runs condor_submit, condor_q,
 * condor_history and condor_rm through its local runner (as the owner where HTCondor would), and they
 * are answered by an emulated schedd that reads every description with the strict submit-language
 * reader and runs each process's real executable as the owner's process. Not a live pool: HTCondor is
 * not packaged for Debian 12.
 */
const gateways = new Map<unknown, HtcondorGateway>();

describeBatchScenario(
  'batch jobs end to end through hpcg (HTCondor engine, emulated schedd)',
  async () => {
    const h = await startHtcondorGateway();
    gateways.set(h.gw, h);
    return { gw: h.gw, token: h.token, engine: 'pool', uid: h.uid };
  },
  (t) => gateways.get(t.gw)!.stop(),
  // The description numbers the tasks with the gateway's ids, as the Kubernetes engine does.
  { scriptJobId: async (id) => String(id) },
);

describe('hpcg sbatch --test-only --json on an HTCondor partition', () => {
  let h: HtcondorGateway;
  beforeAll(async () => {
    h = await startHtcondorGateway({ worker: false });
  }, 60_000);
  afterAll(() => h?.stop());

  it('shows the exact submit description, and submits nothing', () => {
    const r = spawnSync(process.execPath, [bin('hpcg'), 'sbatch', '--test-only', '--json', '-p', 'nightly', '-J', 'probe', '--array=1,5%1', '-t', '10', '-c', '2', '--mem=1G', '--wrap', 'echo hi'], {
      cwd: h.gw.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h.gw.dir, HPCG_URL: h.gw.url, HPCG_TOKEN: h.token },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('pool');
    expect(out.translation.stageDir).toMatch(new RegExp(`^${h.gw.dir}/\\.hpcg/htcondor/\\d+$`));
    const d = parseSubmitDescription(out.translation.description);
    expect(Object.fromEntries(d.commands)).toMatchObject({
      universe: 'vanilla',
      request_cpus: '2',
      request_memory: '1024MB',
      allowed_execute_duration: '600',
      max_materialize: '1',
      requirements: '(TARGET.NodeSet == "nightly")',
    });
    expect(d.attributes.get('NodeSet')).toBe('"nightly"');
    expect(d.queue.count).toBe(2);
    expect(h.schedd.calls).toEqual([]);
  });
});

describe('HTCondor engine when the schedd cannot be reached', () => {
  const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
  const STATE = `query($id: Int!) { job(id: $id) { state reason engineJobId } }`;
  let h: HtcondorGateway;
  beforeAll(async () => {
    h = await startHtcondorGateway();
  }, 60_000);
  afterAll(() => h?.stop());

  it('keeps the job PENDING (EngineUnavailable), and submits it exactly once even when an accepted submission\'s answer is lost', async () => {
    const { gw, schedd } = h;
    const runs = join(gw.dir, 'runs');
    schedd.down = true;
    const { submitBatchScript } = await gql(gw.url, h.token, SUBMIT, { s: `#!/bin/sh\necho run >> ${runs}\n`, a: ['-J', 'once', '-o', 'once.out'], cwd: gw.dir });
    const id = submitBatchScript.jobId as number;
    await eventually(async () => (await gw.admin(STATE, { id })).job.reason === 'EngineUnavailable', 30_000, `job ${id} to wait for the schedd`);
    expect((await gw.admin(STATE, { id })).job.state).toBe('PENDING');

    // The schedd is back and takes the job, but condor_submit's answer never reaches the worker.
    schedd.loseSubmitAnswers = true;
    schedd.down = false;
    await eventually(async () => schedd.queue.length + schedd.history.length > 0, 30_000, 'the schedd to accept the job');
    schedd.loseSubmitAnswers = false;
    await eventually(async () => (await gw.admin(STATE, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);

    const tagged = [...schedd.queue, ...schedd.history].filter((p) => p.ad.GatewayJobId === id);
    expect(tagged.map((p) => String(p.ad.ClusterId))).toEqual([(await gw.admin(STATE, { id })).job.engineJobId]);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });
});
