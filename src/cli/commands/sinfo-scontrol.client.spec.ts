/**
 * Client test (not end-to-end): `hpcg sinfo` and `hpcg scontrol` against a fake gateway.
 */
import { runCli } from '../program';
import { type FakeGateway, graphqlError, startFakeGateway } from '../../../test/cli/fake-gateway';
import { at, iso, makeJob, makeTask, scenarioPartitions } from '../../../test/cli/job-fixtures';
import { memoryIo, testContext } from '../../../test/cli/memory-io';

const jobs = () => [
  makeJob({ id: 13, name: 'to', state: 'RUNNING', startTime: iso(16, 30, 35), nodeList: 'vm', timeLimitMinutes: 1, spec: { qos: 'normal' } }),
  makeJob({
    id: 19,
    name: 'thr',
    user: 'bob',
    isArray: true,
    arrayMaxConcurrent: 2,
    state: 'RUNNING',
    arrayTasks: [makeTask(0, 20, { state: 'RUNNING', startTime: iso(16, 32, 33), nodeList: 'vm' }), makeTask(1, 19), makeTask(2, 21)],
  }),
];

describe('client test: hpcg sinfo and scontrol', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway((req) => {
      const v = req.variables;
      switch (req.operationName) {
        case 'CliPartitions':
          return { data: { partitions: scenarioPartitions() } };
        case 'CliJobs': {
          const ids = (v.filter as { ids?: number[] }).ids;
          const items = jobs().filter((j) => !ids || ids.includes(j.id) || j.arrayTasks.some((t) => ids.includes(t.rawId)));
          return { data: { jobs: { total: items.length, items } } };
        }
        case 'CliMe':
          return { data: { me: { id: 1, username: 'root', uid: 0, gid: 0, admin: true } } };
        case 'CliUsers':
          return { data: { users: [{ id: 2, username: 'bob', uid: 1002, gid: 1002, admin: false }] } };
        case 'CliHold':
        case 'CliRelease':
          if (v.id === 99) return graphqlError('NOT_FOUND', 'no job 99');
          if (v.id === 8) return graphqlError('CONFLICT', 'Job has already finished');
          return { data: { holdJob: { id: v.id } } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(() => gateway.close());

  async function hpcg(...args: string[]) {
    const io = memoryIo({ clock: at(16, 33, 0) });
    const code = await runCli(args, testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }

  // Both partitions are the same node (vm): like Slurm, each shows the node's state from every job on it.
  it('sinfo prints the partitions with node states from the running jobs it sees', async () => {
    const { code, out } = await hpcg('sinfo');
    expect(code).toBe(0);
    expect(gateway.calls('CliJobs')[0].variables.filter).toEqual({ states: ['RUNNING', 'SUSPENDED'], partitions: ['debug', 'long'] });
    expect(out).toBe(
      [
        'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST',
        'debug*       up    1:00:00      1  alloc vm',
        'long         up 2-00:00:00      1  alloc vm',
        '',
      ].join('\n'),
    );
  });

  it('sinfo -o without state columns does not ask for jobs', async () => {
    const { out } = await hpcg('sinfo', '-h', '-o', '%R %l');
    expect(out).toBe('debug 1:00:00\nlong 2-00:00:00\n');
    expect(gateway.calls('CliJobs')).toHaveLength(0);
  });

  it('scontrol show job prints the record with uid and the JobSpec values', async () => {
    const { code, out } = await hpcg('scontrol', 'show', 'job', '13');
    expect(code).toBe(0);
    expect(gateway.calls('CliJobs')[0].variables.filter).toEqual({ ids: [13] });
    expect(gateway.calls('CliJobs')[0].query).toMatch(/\bspec\b/);
    expect(out).toMatch(/^JobId=13 JobName=to\n {3}UserId=root\(0\) GroupId=\S+ MCS_label=N\/A\n {3}Priority=N\/A Nice=0 Account=root QOS=normal\n {3}JobState=RUNNING Reason=None/);
    expect(out.endsWith('StdOut=/tmp/cli-slurm/slurm-13.out\n   Power=\n   \n\n')).toBe(true);
  });

  it('scontrol show job for an array shows its tasks and the pending set; a raw id shows one task', async () => {
    const { out } = await hpcg('scontrol', '-o', 'show', 'job', '19');
    expect(out.split('\n').map((l) => l.split(' UserId')[0])).toEqual([
      'JobId=20 ArrayJobId=19 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=thr',
      'JobId=19 ArrayJobId=19 ArrayTaskId=1-2%2 ArrayTaskThrottle=2 JobName=thr',
      '',
    ]);
    expect(out).toContain('UserId=bob(1002)');
    const task = await hpcg('scontrol', 'show', 'job', '21');
    expect(task.out.split('\n')[0]).toBe('JobId=21 ArrayJobId=19 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=thr');
  });

  it("scontrol show job answers an unknown id in Slurm's words", async () => {
    expect(await hpcg('scontrol', 'show', 'job', '999')).toEqual({ code: 1, out: '', err: 'slurm_load_jobs error: Invalid job id specified\n' });
    expect(await hpcg('scontrol', 'show', 'job', 'abc')).toEqual({ code: 1, out: '', err: 'scontrol_print_job error: Invalid job id specified\n' });
  });

  it('scontrol hold/release call the gateway per job and report failures per job', async () => {
    expect(await hpcg('scontrol', 'hold', '13,19')).toEqual({ code: 0, out: '', err: '' });
    expect(gateway.calls('CliHold').map((r) => r.variables.id)).toEqual([13, 19]);
    const { code, err } = await hpcg('scontrol', 'release', '99', '8', '13');
    expect(code).toBe(1);
    expect(err).toBe('Invalid job id specified for job 99\nJob has already finished for job 8\n');
    expect(gateway.calls('CliRelease').map((r) => r.variables.id)).toEqual([99, 8, 13]);
  });

  it('scontrol refuses a task id for hold and unknown keywords', async () => {
    expect((await hpcg('scontrol', 'hold', '19_1')).err).toBe(
      'Invalid job id specified for job 19_1: the gateway can hold whole jobs only, use the job id 19\n',
    );
    expect(await hpcg('scontrol', 'frobnicate')).toEqual({ code: 1, out: '', err: 'scontrol: error: invalid keyword: frobnicate (supported: hold, release, show job, show partition, show config)\n' });
    expect((await hpcg('scontrol', 'show', 'node')).err).toMatch(/^scontrol: error: invalid entity:node for keyword:show/);
  });
});
