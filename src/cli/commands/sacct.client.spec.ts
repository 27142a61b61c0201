/**
 * Client test (not end-to-end): `hpcg sacct` against a fake gateway. Checks the time window and
 * filters it asks for, and what it prints.
 */
import { runCli } from '../program';
import { type FakeGateway, startFakeGateway } from '../../../test/cli/fake-gateway';
import { accountingScenario, at, scenarioPartitions } from '../../../test/cli/job-fixtures';
import { memoryIo, testContext } from '../../../test/cli/memory-io';

describe('client test: hpcg sacct', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway((req) => {
      switch (req.operationName) {
        case 'CliJobs': {
          const ids = (req.variables.filter as { ids?: number[] }).ids;
          const items = accountingScenario().filter((j) => !ids || ids.includes(j.id));
          return { data: { jobs: { total: items.length, items } } };
        }
        case 'CliMe':
          return { data: { me: { id: 1, username: 'root', uid: 0, gid: 0, admin: true } } };
        case 'CliPartitions':
          return { data: { partitions: scenarioPartitions() } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(() => gateway.close());

  async function sacct(...args: string[]) {
    const io = memoryIo({ clock: at(16, 30, 36) });
    const code = await runCli(['sacct', ...args], testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText() };
  }
  const filter = () => gateway.calls('CliJobs')[0].variables.filter as Record<string, unknown>;

  it("defaults to the caller's jobs since midnight, and asks for events to show who cancelled", async () => {
    const { code, out } = await sacct('-X', '-n');
    expect(code).toBe(0);
    expect(filter()).toEqual({ users: ['root'], activeAfter: at(0, 0, 0).toISOString(), activeBefore: at(16, 30, 36).toISOString() });
    expect(gateway.calls('CliJobs')[0].query).toMatch(/events \{/);
    expect(out.split('\n')[0]).toBe('8                    ok      debug       root          1  COMPLETED      0:0 ');
  });

  it('-j looks back to the epoch and asks for those ids; -a drops the user filter', async () => {
    await sacct('-j', '8,12_3', '-a');
    expect(filter()).toEqual({ ids: [8, 12], activeBefore: at(16, 30, 36).toISOString() });
  });

  it('-s without -S looks at the present only (sacct\'s default window)', async () => {
    const { out } = await sacct('-s', 'R', '-X', '-n', '-o', 'JobID');
    expect(filter()).toMatchObject({ activeAfter: at(16, 30, 36).toISOString(), activeBefore: at(16, 30, 36).toISOString() });
    expect(out).toBe('13           \n');
  });

  it('-S/-E take Slurm time forms; -P -o prints parsable fields', async () => {
    const { out } = await sacct('-S', '2026-11-21T16:00', '-E', 'now', '-P', '-n', '-o', 'JobID,State,ExitCode', '-j', '9');
    expect(filter()).toMatchObject({ activeAfter: at(16, 0, 0).toISOString() });
    expect(out).toBe('9|FAILED|3:0\n9.batch|FAILED|3:0\n');
  });

  it('fetches partitions only for Timelimit of jobs that started without --time', async () => {
    await sacct('-j', '8');
    expect(gateway.calls('CliPartitions')).toHaveLength(0);
    const { out } = await sacct('-j', '8', '-X', '-n', '-o', 'timelimit');
    expect(gateway.calls('CliPartitions')).toHaveLength(1);
    expect(out).toBe('  01:00:00 \n');
  });

  it("refuses bad input in sacct's words, naming what is allowed, before calling the gateway", async () => {
    expect((await sacct('-o', 'JobID,foo')).err).toBe('sacct: error: Invalid field requested: "foo" (sacct --helpformat lists the fields)\n');
    expect((await sacct('-j', 'abc')).err).toMatch(/^sacct: fatal: Bad job\/step specified: abc \(expected N, N_M/);
    expect((await sacct('-s', 'xx')).err).toMatch(/^sacct: fatal: unrecognized job state value 'xx' \(valid: PENDING,RUNNING,/);
    expect((await sacct('-S', 'garbage')).err).toMatch(/^sacct: error: Invalid time specification for -S\/--starttime: "garbage": expected HH:MM/);
    expect((await sacct('-S', 'now', '-E', 'now-1days')).err).toBe(
      'sacct: error: Start time (2026-11-21T16:30:36) requested is after end time (2026-11-20T16:30:36).\n',
    );
    expect(gateway.requests).toHaveLength(0);
  });

  it('--helpformat lists the fields without asking the gateway', async () => {
    const { out } = await sacct('--helpformat');
    expect(out).toContain('JobIDRaw');
    expect(gateway.requests).toHaveLength(0);
  });
});
