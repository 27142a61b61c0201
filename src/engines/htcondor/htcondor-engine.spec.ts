import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parseSubmitDescription } from '../../../test/htcondor/submit-description-parser';
import { EngineUnavailableError } from '../engine-errors';
import type { CommandResult, CommandRunner } from '../command-runner/command-runner';
import { FixtureRunner } from '../../../test/support/fixture-runner';
import { RunnerUnavailableError } from '../command-runner/command-runner';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { HtcondorEngine } from './htcondor-engine';
import { htcondorPartitionSchema, parseHtcondorPartitions } from './htcondor-partition';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/htcondor/recorded', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });

/** The runner contract answered with HTCondor's real output formats; every command is recorded. */
class CondorRunner extends FixtureRunner {
  constructor(answer: (argv: string[]) => CommandResult | Error) {
    super(answer, (a) => a.includes('condor_') || a === '/bin/sh');
  }
}

/** Keeps what the engine logs at warn level, to see forgeries reported. */
function warnings(): { logger: pino.Logger; seen: { obj: Record<string, unknown>; msg: string }[] } {
  const seen: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void seen.push({ obj: JSON.parse(line), msg: JSON.parse(line).msg }) });
  return { logger, seen };
}

function engine(runner: CommandRunner, over: { submitAs?: 'runuser' | 'service'; logger?: pino.Logger } = {}): HtcondorEngine {
  return new HtcondorEngine({
    name: 'pool',
    runner,
    submitAs: over.submitAs ?? 'runuser',
    binDir: '/usr/bin',
    schedd: null,
    stageDir: '.hpcg/htcondor',
    requeueRetries: 3,
    partitions: new Map([['debug', { ...htcondorPartitionSchema.parse({ machineAttributes: { NodeSet: 'nightly' } }), name: 'debug' }]]),
    site: 'site1',
    clusterName: 'site1',
    logger: over.logger ?? pino({ level: 'silent' }),
  });
}

const alice = { username: 'alice', uid: 1001, gid: 1001, groups: [], home: '/home/alice' };

/** One job ad as `condor_q -json -attributes ...` prints it (attributes in alphabetical order). */
function queuedAd(cluster: number, gatewayJobId: number, nonce: string | null, owner: string): Record<string, unknown> {
  return { ClusterId: cluster, EnteredCurrentStatus: 1795300210, GatewayJobId: gatewayJobId, ...(nonce === null ? {} : { GatewayNonce: nonce }), JobStatus: 1, Owner: owner, ProcId: 0 };
}
const jsonAds = (ads: Record<string, unknown>[]) => `[\n${ads.map((a) => JSON.stringify(a, null, 2)).join('\n,\n')}\n]\n`;

describe('HTCondor engine over the runner contract', () => {
  it('stages the script and gives condor_submit -terse the description on stdin, as the owner', async () => {
    const runner = new CondorRunner((argv) => (argv.includes('/usr/bin/condor_submit') ? ok(fixture('condor_submit-terse.txt')) : ok('')));
    const job = engineJob(50, '/tmp/w', { array: { indices: [1, 7, 20], maxConcurrent: 2 } });
    await expect(engine(runner).submit(job)).resolves.toBe('51');
    const [stage, submit] = runner.requests;
    expect(stage.argv.slice(0, 4)).toEqual(['runuser', '-u', job.owner.username, '--']);
    expect(stage.argv).toContain(`${job.owner.home}/.hpcg/htcondor/50/script`);
    expect(stage.stdin).toBe(job.spec.script);
    expect(submit.argv.slice(-3)).toEqual(['/usr/bin/condor_submit', '-terse', '-']);
    expect(submit.argv.slice(0, 2)).toEqual(['runuser', '-u']);
    const d = parseSubmitDescription(submit.stdin as string);
    expect(d.queue.count).toBe(3);
    expect(d.commands.get('hold')).toBeUndefined();
  });

  it('maps ONE condor_q for every live job, then condor_history for those gone, to gateway states', async () => {
    const runner = new CondorRunner((argv) => {
      if (argv[0] === '/usr/bin/condor_q') return ok(fixture('condor_q.json'));
      if (argv[0] === '/usr/bin/condor_history') return ok(fixture('condor_history.json'));
      if (argv[0] === '/usr/bin/condor_rm') return ok(fixture('condor_rm-constraint.txt'));
      return new Error(`unexpected ${argv.join(' ')}`);
    });
    const refs = [
      { jobId: 50, ref: '51', openTasks: [1, 7, 20] },
      { jobId: 61, ref: '60', openTasks: [] },
      { jobId: 71, ref: '70', openTasks: [] },
      { jobId: 81, ref: '80', openTasks: [] },
      { jobId: 91, ref: '90', openTasks: [] },
      { jobId: 96, ref: '95', openTasks: [] },
      { jobId: 99, ref: '99', openTasks: [] },
    ];
    const updates = await engine(runner).syncAll(refs);
    const summary = updates.map((u) => [u.jobId, u.arrayIndex, u.state, u.exitCode, u.signal, u.node]);
    expect(summary).toEqual([
      [50, 1, 'RUNNING', null, null, 'nightly-07'],
      [50, 7, 'FAILED', 3, null, 'nightly-07'],
      [50, 20, 'TIMEOUT', null, null, 'nightly-08'],
      [61, null, 'HELD', null, null, null],
      [71, null, 'PENDING', null, null, null],
      [81, null, 'COMPLETED', 0, null, 'yearly-01'],
      [91, null, 'FAILED', 0, 9, 'yearly-02'],
      [96, null, 'CANCELLED', null, null, 'yearly-02'],
      [99, null, 'NODE_FAIL', null, null, null],
    ]);
    expect(updates.find((u) => u.arrayIndex === 20)?.reason).toMatch(/allowed execute duration/);
    expect(updates.find((u) => u.jobId === 61)?.reason).toBe('JobHeldUser');
    expect(updates.find((u) => u.arrayIndex === 7)?.endTime).toEqual(new Date(1795300290 * 1000));
    // One queue query, the removal of the task held for its walltime, one history query (clusters gone, and arrays whose finished tasks left the queue).
    expect(runner.tools()).toEqual(['/usr/bin/condor_q', '/usr/bin/condor_rm', '/usr/bin/condor_history']);
    const q = runner.requests[0].argv;
    expect(q).toEqual(expect.arrayContaining(['-allusers', '-json']));
    expect(q[q.indexOf('-constraint') + 1]).toBe('GatewayJobId =!= undefined && GatewaySite == "site1"');
    expect(runner.requests[1].argv.slice(-2)).toEqual(['-constraint', 'ClusterId == 51 && GatewayArrayIndex == 20']);
    const h = runner.requests[2].argv;
    expect(h[h.indexOf('-constraint') + 1]).toBe(
      'GatewayJobId =!= undefined && GatewaySite == "site1" && (ClusterId == 80 || ClusterId == 90 || ClusterId == 95 || ClusterId == 99 || (ClusterId == 51 && (GatewayArrayIndex == 1 || GatewayArrayIndex == 7 || GatewayArrayIndex == 20)))',
    );
    // Bounded: one ad per plain job and per open array task, read back at most historyWindowDays (7).
    expect(h[h.indexOf('-limit') + 1]).toBe('7');
    const since = Number(/^EnteredCurrentStatus < (\d+)$/.exec(h[h.indexOf('-since') + 1])?.[1]);
    expect(Math.abs(since - (Date.now() / 1000 - 7 * 86400))).toBeLessThan(120);
  });

  it('reads an empty -json answer as no jobs, and finds a submission by its tag in the queue, or with its nonce and owner in the history', async () => {
    const runner = new CondorRunner((argv) => (argv[0] === '/usr/bin/condor_q' ? ok('') : ok(fixture('condor_history.json'))));
    const job = engineJob(81, '/tmp/w', {}, { owner: alice });
    await expect(engine(runner).findByTag(job)).resolves.toBe('80');
    const q = runner.requests[0].argv;
    expect(q[q.indexOf('-constraint') + 1]).toBe('GatewayJobId =!= undefined && GatewaySite == "site1" && (GatewayJobId == 81)');
    expect(q[q.indexOf('-attributes') + 1].split(',')).toEqual(expect.arrayContaining(['GatewayJobId', 'GatewayNonce', 'Owner']));
    const h = runner.requests[1].argv;
    expect(h[h.indexOf('-constraint') + 1]).toBe(`GatewayJobId =!= undefined && GatewaySite == "site1" && (GatewayJobId == 81 && GatewayNonce == "${job.nonce}" && Owner == "alice")`);
    expect(h.slice(h.indexOf('-limit'))).toEqual(['-limit', '1', '-since', expect.stringMatching(/^EnteredCurrentStatus < \d+$/)]);
    const none = new CondorRunner(() => ok(''));
    await expect(engine(none).findByTag(engineJob(5, '/tmp/w'))).resolves.toBeNull();
  });

  it('never adopts a cluster that claims the job id with another nonce or another owner, and reports it as a possible forgery', async () => {
    const job = engineJob(81, '/tmp/w', {}, { owner: alice });
    const { logger, seen } = warnings();
    // mallory guessed the id (wrong nonce), then copied the real nonce from condor_q (wrong owner).
    const forged = [queuedAd(200, 81, '00000000000000000000000000000000', 'mallory'), queuedAd(201, 81, job.nonce, 'mallory'), queuedAd(202, 81, null, 'alice')];
    const onlyForged = new CondorRunner((argv) => (argv[0] === '/usr/bin/condor_q' ? ok(jsonAds(forged)) : ok('')));
    await expect(engine(onlyForged, { logger }).findByTag(job)).resolves.toBeNull();
    expect(seen.map((w) => [w.obj.ref, w.obj.foundOwner, w.obj.nonceMatches, w.obj.ownerMatches])).toEqual([
      ['200', 'mallory', false, false],
      ['201', 'mallory', true, false],
      ['202', 'alice', false, true],
    ]);
    expect(seen[0].msg).toBe('possible forgery: engine job 200 of mallory carries the tag of gateway job 81 of alice; not adopted');
    expect(seen[0].obj).toMatchObject({ jobId: 81, engine: 'pool', owner: 'alice', expectedOwner: 'alice' });

    // The job's own cluster is adopted even when forgeries come first in the queue.
    const withOwn = new CondorRunner(() => ok(jsonAds([...forged, queuedAd(203, 81, job.nonce, 'alice')])));
    await expect(engine(withOwn).findByTag(job)).resolves.toBe('203');
    expect(withOwn.tools()).toEqual(['/usr/bin/condor_q']);
  });

  it('with submitAs: service, the expected owner is the runner\'s own user (id -un), asked once', async () => {
    const job = engineJob(81, '/tmp/w', {}, { owner: alice });
    const runner = new CondorRunner((argv) => {
      if (argv[0] === '/usr/bin/id') return ok('svc-gw\n');
      if (argv[0] === '/usr/bin/condor_q') return ok(jsonAds([queuedAd(300, 81, job.nonce, 'alice'), queuedAd(301, 81, job.nonce, 'svc-gw')]));
      return ok('');
    });
    const b = engine(runner, { submitAs: 'service' });
    await expect(b.findByTag(job)).resolves.toBe('301');
    await expect(b.findByTag(job)).resolves.toBe('301');
    expect(runner.tools()).toEqual(['/usr/bin/id', '/usr/bin/condor_q', '/usr/bin/condor_q']);
  });

  it('cancels with condor_rm, the whole cluster or one array task, and a job already gone is no error', async () => {
    const runner = new CondorRunner((argv) => (argv.includes('51') ? ok(fixture('condor_rm-cluster.txt')) : { code: 1, stdout: '', stderr: fixture('condor_rm-gone.txt') }));
    const b = engine(runner);
    await b.cancel('51', 50, null);
    await b.cancel('80', 81, 3);
    expect(runner.requests.map((r) => r.argv)).toEqual([
      ['/usr/bin/condor_rm', '51'],
      ['/usr/bin/condor_rm', '-constraint', 'ClusterId == 80 && GatewayArrayIndex == 3'],
    ]);
  });

  it('turns an unreachable schedd or submit node into EngineUnavailable, never into "no jobs"', async () => {
    const unreachable = new CondorRunner(() => ({ code: 1, stdout: '', stderr: fixture('schedd-unreachable.txt') }));
    await expect(engine(unreachable).syncAll([{ jobId: 1, ref: '2', openTasks: [] }])).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(engine(unreachable).findByTag(engineJob(1, '/tmp/w'))).rejects.toBeInstanceOf(EngineUnavailableError);
    const submitFails = new CondorRunner((argv) => (argv.includes('/usr/bin/condor_submit') ? { code: 1, stdout: '', stderr: "ERROR: Can't find address of local schedd\n" } : ok('')));
    await expect(engine(submitFails).submit(engineJob(3, '/tmp/w'))).rejects.toBeInstanceOf(EngineUnavailableError);
    const down = new CondorRunner(() => new RunnerUnavailableError('ssh: connect to host submit port 22: Connection refused'));
    await expect(engine(down).cancel('51', 50, null)).rejects.toBeInstanceOf(EngineUnavailableError);
  });
});

describe('HTCondor partitions in the site configuration', () => {
  const base = { engine: 'pool', default: false, allowGroups: [], maxTimeMinutes: -1, defaultTimeMinutes: -1, enginePartition: 'x' };
  it('reads node sets by ClassAd and refuses a bad attribute name, naming the key', () => {
    const parts = parseHtcondorPartitions('pool', [{ ...base, name: 'nightly', machineAttributes: { NodeSet: 'nightly', Cores: 64 } } as never]);
    expect(parts.get('nightly')).toEqual({ name: 'nightly', machineAttributes: { NodeSet: 'nightly', Cores: 64 }, jobAttributes: {}, defaultMemPerCpuMB: 1024, beginWindowSeconds: 86400 });
    expect(() => parseHtcondorPartitions('pool', [{ ...base, name: 'bad', jobAttributes: { 'Node Set': 'x' } } as never])).toThrow(/partitions\.bad\.jobAttributes\.Node Set: a ClassAd attribute name/);
  });
});
