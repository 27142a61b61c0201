/**
 * Client test: -M/--clusters with the site's cluster name, as Open OnDemand passes it when its cluster
 * file names one, and `--clusters all` as Snakemake's sacct passes it, compared with what a real Slurm
 * 22.05 printed (test/slurm/recorded/accounts): `CLUSTER: name` above squeue's and sinfo's header,
 * scontrol and sacct unchanged, Slurm's two error lines for a cluster it does not know.
 */
import { runCli } from '../program';
import { type FakeGateway, startFakeGateway } from '../../../test/cli/fake-gateway';
import { memoryIo, testContext } from '../../../test/cli/memory-io';
import { makeJob } from '../../../test/cli/job-fixtures';
import { recordedPartitions } from '../../../test/slurm/recorded-clients';
import { accountsRecording, accountsScenario, recordedAccounts } from '../../../test/slurm/recorded-accounts';
import type { GatewayJob } from '../gateway-types';

const { cluster, user, job } = accountsScenario;
const UID = 1004;

describe('client test: -M/--clusters against recorded Slurm 22.05 output', () => {
  let gateway: FakeGateway;
  let jobs: GatewayJob[];

  beforeEach(async () => {
    const base = { user, uid: UID, gid: UID, account: null, engine: 'hpc', workdir: '/tmp', stdoutPath: '/dev/null', nodeList: 'vm', state: 'RUNNING' as const, startTime: new Date().toISOString() };
    jobs = [makeJob({ ...base, id: Number(job), name: 'mjob' }), makeJob({ ...base, id: Number(job) + 1, name: 'mjob2' })];
    gateway = await startFakeGateway((req) => {
      switch (req.operationName) {
        case 'CliJobs': {
          const ids = (req.variables.filter as { ids?: number[] }).ids;
          const items = jobs.filter((j) => !ids || ids.includes(j.id));
          return { data: { jobs: { total: items.length, items } } };
        }
        case 'CliPartitions':
          return { data: { partitions: recordedPartitions().map((p) => ({ ...p, cluster })) } };
        case 'CliCancel':
          return { data: { cancelJob: { id: req.variables.id } } };
        case 'CliMe':
          return { data: { me: { id: 1, username: user, uid: UID, gid: UID, admin: false } } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(() => gateway.close());

  async function replay(name: string) {
    const { argv } = accountsRecording(name);
    const io = memoryIo();
    const code = await runCli(argv, testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }
  const expected = (name: string) => ({ code: accountsRecording(name).code, out: recordedAccounts(name), err: recordedAccounts(name, 'err') });

  it.each(['squeue-clusters', 'squeue-clusters-noheader', 'squeue-clusters-unknown', 'sinfo-clusters', 'sinfo-clusters-noheader'])('%s prints what Slurm printed', async (name) => {
    expect(await replay(name)).toEqual(expected(name));
  });

  it('scontrol -M NAME show partition prints what Slurm printed (but for its billing weights)', async () => {
    const got = await replay('scontrol-clusters');
    expect(got).toEqual({ ...expected('scontrol-clusters'), out: recordedAccounts('scontrol-clusters').replace(/,billing=\d+/g, '') });
  });

  describe('sacct', () => {
    beforeEach(() => {
      const cancelled = { state: 'CANCELLED' as const, exitCode: 0, signal: 15, endTime: new Date().toISOString() };
      jobs[0] = { ...jobs[0], ...cancelled, events: [{ at: cancelled.endTime, arrayIndex: null, fromState: 'RUNNING', toState: 'CANCELLED', reason: null, actor: `user:${user}` }] };
    });

    it.each(['sacct-clusters', 'sacct-clusters-all', 'sacct-clusters-unknown'])('%s prints what Slurm printed', async (name) => {
      expect(await replay(name)).toEqual(expected(name));
    });

    it('asks the gateway for no jobs of a cluster it is not', async () => {
      await replay('sacct-clusters-unknown');
      expect(gateway.calls('CliJobs')).toHaveLength(0);
    });
  });

  it('scancel -M NAME cancels silently, as Slurm did; another cluster cancels nothing', async () => {
    expect(await replay('scancel-clusters')).toEqual(expected('scancel-clusters'));
    expect(gateway.calls('CliCancel').map((c) => c.variables.id)).toEqual([Number(job)]);
    const io = memoryIo();
    expect(await runCli(['scancel', '-M', 'elsewhere', job], testContext(io, { url: gateway.url }))).toBe(1);
    expect(io.stderrText()).toMatch(/^scancel: error: No cluster 'elsewhere' known by database\.\n/);
    expect(gateway.calls('CliCancel')).toHaveLength(1);
  });

  it('names SLURM_CLUSTERS in the error when the name came from there', async () => {
    const io = memoryIo({ env: { SLURM_CLUSTERS: 'elsewhere' } });
    const code = await runCli(['sinfo'], testContext(io, { url: gateway.url }));
    expect([code, io.stdoutText(), io.stderrText()]).toEqual([
      1,
      '',
      "sinfo: error: No cluster 'elsewhere' known by database.\nsinfo: error: 'elsewhere' can't be reached now, or it is an invalid entry for SLURM_CLUSTERS.  Use 'sacctmgr list clusters' to see available clusters.\n",
    ]);
  });

  it('scontrol refuses an unknown cluster before doing anything', async () => {
    const io = memoryIo();
    const code = await runCli(['scontrol', '-M', 'elsewhere', 'hold', job], testContext(io, { url: gateway.url }));
    expect(code).toBe(1);
    expect(io.stderrText()).toMatch(/^scontrol: error: No cluster 'elsewhere' known by database\./);
    expect(gateway.calls('CliHold')).toHaveLength(0);
  });
});
