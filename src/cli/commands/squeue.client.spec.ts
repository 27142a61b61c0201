/**
 * Client test (not end-to-end): `hpcg squeue` against a fake gateway answering canned GraphQL.
 * Checks the query the command sends and what it prints.
 */
import { runCli } from '../program';
import { type FakeGateway, startFakeGateway } from '../../../test/cli/fake-gateway';
import { at, iso, makeJob, queueScenario, scenarioPartitions } from '../../../test/cli/job-fixtures';
import { memoryIo, testContext } from '../../../test/cli/memory-io';
import type { GatewayJob } from '../gateway-types';

describe('client test: hpcg squeue', () => {
  let gateway: FakeGateway;
  let jobs: GatewayJob[];
  beforeEach(async () => {
    jobs = queueScenario();
    gateway = await startFakeGateway((req) => {
      switch (req.operationName) {
        case 'CliJobs': {
          const ids = (req.variables.filter as { ids?: number[] }).ids;
          const items = ids ? jobs.filter((j) => ids.includes(j.id)) : jobs;
          return { data: { jobs: { total: items.length, items } } };
        }
        case 'CliPartitions':
          return { data: { partitions: scenarioPartitions() } };
        case 'CliMe':
          return { data: { me: { id: 1, username: 'alice', uid: 1001, gid: 1001, admin: false } } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(() => gateway.close());

  async function squeue(...args: string[]) {
    return squeueWithEnv({}, ...args);
  }
  async function squeueWithEnv(env: NodeJS.ProcessEnv, ...args: string[]) {
    const io = memoryIo({ clock: at(16, 29, 3), env });
    const code = await runCli(['squeue', ...args], testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }

  it('asks for queued jobs with the user, partition and name filters, and prints the default layout', async () => {
    const { code, out } = await squeue('-u', 'root,bob', '-p', 'debug,long', '-n', 'arr,big,dep,held,a_very_long_job_name_here,fail');
    expect(code).toBe(0);
    const [request] = gateway.calls('CliJobs');
    expect(request.authorization).toBe('Bearer test-token');
    expect(request.variables).toEqual({
      filter: {
        users: ['root', 'bob'],
        partitions: ['debug', 'long'],
        names: ['arr', 'big', 'dep', 'held', 'a_very_long_job_name_here', 'fail'],
        states: ['PENDING', 'HELD', 'RUNNING', 'SUSPENDED'],
      },
      page: { offset: 0, limit: 1000 },
    });
    expect(request.query).not.toMatch(/\bspec\b/);
    expect(out.split('\n')[0]).toBe('             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)');
    expect(out.split('\n')[1]).toBe('         2_[1-5%1]     debug      arr     root PD       0:00      1 (Resources)');
    expect(gateway.calls('CliPartitions')).toHaveLength(0);
  });

  it('--me filters on the caller from the `me` query', async () => {
    await squeue('--me', '-h');
    expect(gateway.calls('CliJobs')[0].variables.filter).toMatchObject({ users: ['alice'] });
  });

  it('fetches partitions only when a time limit is shown for jobs without --time', async () => {
    const { out } = await squeue('-l', '-h', '-j', '3');
    expect(gateway.calls('CliPartitions')).toHaveLength(1);
    expect(out).toBe('                 3     debug      big     root  PENDING       0:00   1:00:00      1 (Priority)\n');
  });

  it('-j asks for those ids in every state and prints Slurm\'s error for an unknown single id', async () => {
    const { code, out, err } = await squeue('-j', '999');
    expect(gateway.calls('CliJobs')[0].variables.filter).toEqual({ ids: [999] });
    expect([code, out, err]).toEqual([1, '', 'slurm_load_jobs error: Invalid job id specified\n']);
  });

  it('-t widens the query to active states (arrays) and filters per task', async () => {
    jobs = [makeJob({ id: 8, state: 'COMPLETED', nodeList: 'vm' }), ...jobs];
    const { out } = await squeue('-t', 'cd', '-h', '-o', '%i %t');
    expect(gateway.calls('CliJobs')[0].variables.filter).toMatchObject({ states: ['COMPLETED', 'PENDING', 'HELD', 'RUNNING', 'SUSPENDED'] });
    expect(out).toBe('8 CD\n');
  });

  it('asks for the JobSpec only for %m and %b', async () => {
    await squeue('-o', '%i %m', '-h');
    expect(gateway.calls('CliJobs')[0].query).toMatch(/\bspec\b/);
  });

  it('refuses an unknown state with Slurm\'s two lines', async () => {
    const { code, err } = await squeue('-t', 'xx');
    expect(code).toBe(1);
    expect(err).toBe(
      'squeue: error: Invalid job state specified: xx\nsqueue: error: Valid job states include: PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,RESV_DEL_HOLD,REQUEUED,REQUEUE_FED,REQUEUE_HOLD,REVOKED,SIGNALING,SPECIAL_EXIT,STAGE_OUT,STOPPED\n',
    );
    expect(gateway.requests).toHaveLength(0);
  });

  it('refuses -o with -l like squeue, and reports unknown -o codes but still prints', async () => {
    expect((await squeue('-l', '-o', '%i')).err).toBe('squeue: fatal: Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.\n');
    const { code, out, err } = await squeue('-h', '-j', '3', '-o', '%i|%!');
    expect([code, out, err]).toEqual([0, '3|%!\n', 'squeue: error: Invalid job format specification: !\n']);
  });

  it('takes its layout from SQUEUE_FORMAT unless -o, -O or -l is given', async () => {
    expect((await squeueWithEnv({ SQUEUE_FORMAT: '%i:%t' }, '-h', '-j', '3')).out).toBe('3:PD\n');
    expect((await squeueWithEnv({ SQUEUE_FORMAT: '%i:%t' }, '-h', '-j', '3', '-o', '%j')).out).toBe('big\n');
  });

  it('refuses an unknown option the way getopt-based squeue does', async () => {
    const { code, err } = await squeue('--bogus');
    expect(code).toBe(1);
    expect(err).toBe("squeue: unrecognized option '--bogus'\nTry \"squeue --help\" for more information.\n");
  });

  it('--start lists pending jobs by expected start in Slurm\'s --start layout, those without an estimate last', async () => {
    jobs = [
      makeJob({ id: 31, name: 'later', state: 'PENDING', reason: 'Resources', estimatedStart: { time: iso(17, 10, 0), source: 'GATEWAY' } }),
      makeJob({ id: 32, name: 'none', state: 'PENDING', reason: 'Priority', estimatedStart: null }),
      makeJob({ id: 33, name: 'sooner', state: 'PENDING', reason: 'Resources', estimatedStart: { time: iso(16, 40, 0), source: 'ENGINE' } }),
      makeJob({ id: 34, name: 'runs', state: 'RUNNING', startTime: iso(16, 0, 0), nodeList: 'vm' }),
    ];
    const { code, out } = await squeue('--start');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('             JOBID PARTITION     NAME     USER ST          START_TIME  NODES SCHEDNODES           NODELIST(REASON)');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['33', '31', '32']);
    expect(lines[1]).toMatch(/^\s+33\s+debug\s+sooner\s+root PD \d{4}-\d\d-\d\dT16:40:00 /);
    expect(lines[3]).toMatch(/ N\/A /);
  });
});
