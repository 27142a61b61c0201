/**
 * Client test (not end-to-end): `hpcg scancel` against a fake gateway. Checks which cancelJob calls
 * it makes and Slurm's wording of each failure.
 */
import { runCli } from '../program';
import { type FakeGateway, graphqlError, startFakeGateway } from '../../../test/cli/fake-gateway';
import { makeJob, makeTask } from '../../../test/cli/job-fixtures';
import { memoryIo, testContext } from '../../../test/cli/memory-io';

describe('client test: hpcg scancel', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    const jobs = [
      makeJob({ id: 5, name: 'sim', state: 'RUNNING' }),
      makeJob({ id: 6, name: 'sim', state: 'COMPLETED' }),
      makeJob({ id: 7, name: 'post', state: 'PENDING' }),
      makeJob({
        id: 18,
        name: 'sim',
        isArray: true,
        state: 'RUNNING',
        arrayTasks: [makeTask(1, 18, { state: 'RUNNING' }), makeTask(2, 19), makeTask(3, 20, { state: 'COMPLETED' })],
      }),
    ];
    gateway = await startFakeGateway((req) => {
      if (req.operationName === 'CliJobs') {
        const names = (req.variables.filter as { names?: string[] }).names;
        const items = jobs.filter((j) => !names || names.includes(j.name));
        return { data: { jobs: { total: items.length, items } } };
      }
      if (req.operationName === 'CliCancel') {
        if (req.variables.id === 99) return graphqlError('NOT_FOUND', 'job 99 does not exist');
        if (req.variables.id === 42) return graphqlError('FORBIDDEN', 'job 42 belongs to bob');
        return { data: { cancelJob: { id: req.variables.id } } };
      }
      throw new Error(`unexpected ${req.operationName}`);
    });
  });
  afterEach(() => gateway.close());

  async function scancel(...args: string[]) {
    const io = memoryIo();
    const code = await runCli(['scancel', ...args], testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }
  const cancels = () => gateway.calls('CliCancel').map((r) => r.variables);

  it('cancels each id silently: whole jobs, single tasks and task lists', async () => {
    const result = await scancel('5', '18_2', '18_[1,3]');
    expect(result).toEqual({ code: 0, out: '', err: '' });
    expect(cancels()).toEqual([
      { id: 5, arrayIndex: null},
      { id: 18, arrayIndex: 2},
      { id: 18, arrayIndex: 1},
      { id: 18, arrayIndex: 3},
    ]);
  });

  it('passes -s through and says what it does with -v', async () => {
    const { err } = await scancel('-v', '-s', 'USR1', '5');
    expect(cancels()).toEqual([{ id: 5, arrayIndex: null, signal: 'USR1' }]);
    expect(err).toBe('scancel: Signal USR1 to job 5\n');
    expect((await scancel('-v', '7')).err).toBe('scancel: Terminating job 7\n');
  });

  it("reports unknown and other users' jobs in Slurm's words, goes on, and exits 1", async () => {
    const { code, err } = await scancel('99', '42', '5');
    expect(code).toBe(1);
    expect(err).toBe(
      'scancel: error: Kill job error on job id 99: Invalid job id specified\nscancel: error: Kill job error on job id 42: Access/permission denied\n',
    );
    expect(cancels().map((v) => v.id)).toEqual([99, 42, 5]);
  });

  it('with -n cancels the matching active jobs; an array whose active tasks all match goes as one', async () => {
    expect((await scancel('-n', 'sim')).code).toBe(0);
    expect(gateway.calls('CliJobs')[0].variables.filter).toMatchObject({ names: ['sim'], states: ['PENDING', 'HELD', 'RUNNING', 'SUSPENDED'] });
    expect(cancels()).toEqual([
      { id: 5, arrayIndex: null},
      { id: 18, arrayIndex: null},
    ]);
  });

  it('with -t cancels only the tasks in that state', async () => {
    await scancel('-n', 'sim', '-t', 'PENDING');
    expect(cancels()).toEqual([{ id: 18, arrayIndex: 2}]);
  });

  it('needs some job identification', async () => {
    expect(await scancel()).toEqual({ code: 1, out: '', err: 'scancel: error: No job identification provided\n' });
  });

  it('refuses states scancel does not take and malformed ids, before calling the gateway', async () => {
    expect((await scancel('-t', 'CD', '5')).err).toBe(
      'scancel: error: Invalid job state specified: CD\nscancel: error: Valid job states are PENDING, RUNNING, and SUSPENDED\n',
    );
    expect((await scancel('abc')).err).toMatch(/^scancel: error: Invalid job id abc \(expected N, N_M/);
    expect((await scancel('5.0')).err).toBe('scancel: error: Invalid job id 5.0: job steps cannot be cancelled through the gateway, cancel the job\n');
    expect(gateway.requests).toHaveLength(0);
  });
});
