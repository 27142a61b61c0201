import { randomBytes } from 'node:crypto';
import { chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayFixture, eventually } from '../../test/support/gateway-fixture';
import { gql } from '../../test/support/graphql-client';
import { SlurmCluster } from '../../test/support/slurm-cluster';
import { SLURM_TEST_USER, slurmJobsTagged, unixUser } from '../../test/support/slurm-gateway';

/**
 * Issue 17 on the real Slurm 22.05 next to two local engines: a job of several partitions goes where it
 * starts first, a group `in-order` fills its first engine before the next, a job whose engine is down
 * moves on after the site's time and runs once, and every pending job has an estimated start.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const JOB = `query($id: Int!) { job(id: $id) { id state partition engine startTime estimatedStart { time source basis } events { toState reason actor } } }`;
const CANCEL = `mutation($id: Int!) { cancelJob(id: $id) { state } }`;

interface SeenJob {
  id: number;
  state: string;
  partition: string;
  engine: string;
  startTime: string | null;
  estimatedStart: { time: string | null; source: string; basis: string } | null;
  events: { toState: string; reason: string | null; actor: string }[];
}

// A cluster of its own, not the suite's shared one: this file stops slurmctld and fills every CPU, and
// another file (slurm-crash-safety) stops and starts the shared controller while this one runs.
let cluster: SlurmCluster;
beforeAll(async () => (cluster = await SlurmCluster.start()), 120_000);
afterAll(async () => cluster?.stop());

describe('one job, several engines', () => {
  jest.setTimeout(400_000);
  let gw: GatewayFixture;
  let token: string;
  let site: string;

  beforeAll(async () => {
    site = `t${randomBytes(5).toString('hex')}`;
    gw = await GatewayFixture.start({
      site: `
cluster: ${site}
engines:
  hpc: { kind: slurm, runner: { kind: local }, submitAs: runuser, slurmConf: ${cluster.slurmConf}, cluster: ${cluster.state.clusterName} }
  laptop: { kind: local, slots: 2 }
  single: { kind: local, slots: 1 }
partitions:
  - { name: debug, engine: hpc, default: true, maxTime: "30:00" }
  - { name: localpart, engine: laptop }
  - { name: onepart, engine: single }
routing:
  moveAfterSeconds: 3
  groups:
    - { name: fill, partitions: [localpart, debug], choose: in-order }
`,
      // Capacity stored at the worker's start stays fresh for the whole file: the router's view of Slurm
      // is the one it had, so a stopped slurmctld is met by a submission, not skipped.
      env: { HPCG_CAPACITY_INTERVAL_MS: '300000' },
    });
    const user = unixUser(SLURM_TEST_USER);
    chownSync(gw.dir, user.uid, user.gid);
    await gw.startWorker();
    token = await gw.user(SLURM_TEST_USER, { uid: user.uid, gid: user.gid, home: gw.dir });
  }, 120_000);
  afterAll(async () => {
    await cluster.startController().catch(() => undefined);
    await gw?.stop();
  });

  /** Every CPU of the Slurm test partition, as sinfo counts them (A/I/O/T): a job asking for them all fills it. */
  const slurmCpus = async () => (await cluster.command('sinfo', ['-h', '-p', 'debug', '-o', '%C'])).trim().split('/')[3];
  const submit = async (script: string, args: string[]) => (await gql(gw.url, token, SUBMIT, { s: script, a: args, cwd: gw.dir })).submitBatchScript.jobId as number;
  const seen = async (id: number) => (await gql(gw.url, token, JOB, { id })).job as SeenJob;
  const until = (id: number, states: string[], what: string, ms = 90_000) => eventually(async () => ((j) => (states.includes(j.state) ? j : null))(await seen(id)), ms, what, 300);

  it('-p debug,localpart goes where it can start first and reports the partition it ran in', async () => {
    const blocker = await submit('#!/bin/sh\nsleep 300\n', ['-p', 'debug', '-c', await slurmCpus(), '--time=5', '-J', 'blocker', '-o', '/dev/null']);
    await until(blocker, ['RUNNING'], 'the blocker to fill Slurm');
    const routed = await submit('#!/bin/sh\necho here\n', ['-p', 'debug,localpart', '-J', 'routed', '-o', 'routed.out']);
    const done = await until(routed, ['COMPLETED'], 'the routed job to complete');
    expect(done).toMatchObject({ partition: 'localpart', engine: 'laptop' });
    expect(done.events.map((e) => e.reason)).toContainEqual(expect.stringMatching(/^partition localpart chosen: earliest-start: localpart \(room now\)/));

    await gql(gw.url, token, CANCEL, { id: blocker });
    await until(blocker, ['CANCELLED'], 'the blocker to end');
    const second = await submit('#!/bin/sh\necho here\n', ['-p', 'debug,localpart', '-J', 'routed2', '-o', 'routed2.out']);
    // Room in both: the list's order decides, as in Slurm.
    expect(await until(second, ['COMPLETED'], 'the second routed job to complete')).toMatchObject({ partition: 'debug', engine: 'hpc' });
  });

  it('a job Slurm refuses moves to the next partition of its list; without one it fails as before', async () => {
    const moved = await submit('#!/bin/sh\ntrue\n', ['-p', 'debug,localpart', '--licenses=nosuchlicense:1', '-J', 'refused', '-o', '/dev/null']);
    const done = await until(moved, ['COMPLETED', 'FAILED'], 'the refused job to move and complete');
    expect(done).toMatchObject({ state: 'COMPLETED', partition: 'localpart' });
    expect(done.events.map((e) => e.reason)).toContainEqual(expect.stringMatching(/^moved from debug to localpart: refused in debug: Slurm refused job \d+ on engine hpc: .*Invalid license specification/));
    const alone = await submit('#!/bin/sh\ntrue\n', ['-p', 'debug', '--licenses=nosuchlicense:1', '-J', 'refused-alone', '-o', '/dev/null']);
    expect(await until(alone, ['COMPLETED', 'FAILED'], 'the refused job to fail')).toMatchObject({ state: 'FAILED', partition: 'debug' });
  });

  it('afterok on a job of another engine keeps its meaning for a job of several engines', async () => {
    const ok = await submit('#!/bin/sh\nsleep 4\n', ['-p', 'debug', '-J', 'dep-ok', '-o', '/dev/null']);
    const bad = await submit('#!/bin/sh\nexit 3\n', ['-p', 'debug', '-J', 'dep-bad', '-o', '/dev/null']);
    const after = await submit('#!/bin/sh\ntrue\n', ['-p', 'localpart,debug', '-d', `afterok:${ok}`, '-J', 'after-ok', '-o', '/dev/null']);
    const never = await submit('#!/bin/sh\ntrue\n', ['-p', 'localpart,debug', '-d', `afterok:${bad}`, '-J', 'after-bad', '-o', '/dev/null']);
    // Waits in the gateway while its dependency runs on Slurm, whichever engine it goes to.
    await until(ok, ['RUNNING'], 'the dependency to run');
    expect(await seen(after)).toMatchObject({ state: 'PENDING' });
    const done = await until(after, ['COMPLETED', 'FAILED'], 'the dependent to run once its dependency succeeded');
    expect(done.state).toBe('COMPLETED');
    expect(new Date(done.startTime!).getTime()).toBeGreaterThanOrEqual(new Date((await seen(ok)).startTime!).getTime() + 3000);
    const reasonOf = async (id: number) => (await gql(gw.url, token, `query($id: Int!) { job(id: $id) { state reason } }`, { id })).job as { state: string; reason: string };
    await eventually(async () => (await reasonOf(never)).reason === 'DependencyNeverSatisfied', 60_000, 'the dependent of a failed job to never run');
    expect(await reasonOf(never)).toEqual({ state: 'PENDING', reason: 'DependencyNeverSatisfied' });
    await gql(gw.url, token, CANCEL, { id: never });
  });

  it('a group with in-order fills its first engine before the second', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit('#!/bin/sh\nsleep 15\n', ['-p', 'fill', '--time=1', '-J', `fill-${i}`, '-o', '/dev/null']));
    const running = await Promise.all(ids.map((id) => until(id, ['RUNNING', 'COMPLETED'], `job ${id} to start`)));
    const where = running.map((j) => j.partition).sort();
    expect(where).toEqual(['debug', 'localpart', 'localpart']);
    // The first two found room in localpart (2 slots) at once: the first engine filled first.
    expect(running.filter((j) => j.partition === 'localpart').map((j) => j.id)).toEqual(ids.slice(0, 2));
    await Promise.all(ids.map((id) => until(id, ['COMPLETED'], `job ${id} to complete`)));
  });

  it('with slurmctld stopped, a job placed on Slurm moves to the next partition after moveAfterSeconds and runs exactly once', async () => {
    await cluster.stopController();
    const runs = join(gw.dir, 'moved-runs.txt');
    let id: number;
    const from = Date.now();
    try {
      id = await submit(`#!/bin/sh\necho run >> ${runs}\n`, ['-p', 'debug,localpart', '-J', 'mover', '-o', '/dev/null']);
      const done = await until(id, ['COMPLETED', 'FAILED'], 'the job to move and complete', 180_000);
      const tookMs = Date.now() - from;
      expect(done).toMatchObject({ state: 'COMPLETED', partition: 'localpart', engine: 'laptop' });
      const reasons = done.events.map((e) => e.reason ?? '');
      expect(reasons.filter((r) => r.startsWith('partition debug chosen'))).toHaveLength(1);
      expect(reasons.filter((r) => /^moved from debug to localpart: engine hpc unreachable since /.test(r))).toHaveLength(1);
      // Not before the site's 3 s.
      expect(tookMs).toBeGreaterThanOrEqual(3000);
      console.log(`moved and completed ${tookMs} ms after submission (moveAfterSeconds: 3)`);
    } finally {
      await cluster.startController();
    }
    // Slurm back: the sweeper asks it for a copy of the job left behind; there is none, and the job ran once.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await slurmJobsTagged(cluster, site, id)).toEqual([]);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });

  it('every pending job has an estimated start; the gateway model is an upper bound; Slurm gives its own', async () => {
    const a = await submit('#!/bin/sh\nsleep 20\n', ['-p', 'onepart', '--time=1', '-J', 'a', '-o', '/dev/null']);
    const runningA = await until(a, ['RUNNING'], 'a to run');
    const b = await submit('#!/bin/sh\nsleep 1\n', ['-p', 'onepart', '--time=1', '-J', 'b', '-o', '/dev/null']);
    const c = await submit('#!/bin/sh\nsleep 1\n', ['-p', 'onepart', '--time=1', '-J', 'c', '-o', '/dev/null']);
    // An API process reuses its look at a partition for 2 s: wait for one taken after a started.
    const pending = await eventually(
      async () => ((jobs) => (jobs.every((j) => /, 1 running,/.test(j.estimatedStart?.basis ?? '')) ? jobs : null))(await Promise.all([b, c].map(seen))),
      10_000,
      'estimates that see a running',
    );
    // squeue --start: every pending job has one.
    for (const j of pending) expect(j).toMatchObject({ state: 'PENDING', estimatedStart: { time: expect.any(String) } });
    const [estB, estC] = pending.map((j) => j.estimatedStart!);
    expect(estB.source).toBe('GATEWAY');
    expect(estB.basis).toMatch(/^gateway queue model of onepart: 1 CPUs, 1 running, 0 ahead;/);
    expect(estC.basis).toMatch(/^gateway queue model of onepart: 1 CPUs, 1 running, 1 ahead;/);
    const startA = new Date(runningA.startTime!).getTime();
    // b waits for a's limit (1 min), c for b's.
    expect(Math.abs(new Date(estB.time!).getTime() - (startA + 60_000))).toBeLessThan(2000);
    expect(Math.abs(new Date(estC.time!).getTime() - (startA + 120_000))).toBeLessThan(2000);
    // The bound holds: b starts (when a ends, ~20 s) no later than estimated.
    const started = await until(b, ['RUNNING', 'COMPLETED'], 'b to start');
    expect(new Date(started.startTime!).getTime()).toBeLessThanOrEqual(new Date(estB.time!).getTime());
    console.log(`b estimated ${estB.time}, started ${started.startTime} (a started ${runningA.startTime})`);

    // Slurm: a job pending behind a full node gets the backfill scheduler's estimate.
    const blocker = await submit('#!/bin/sh\nsleep 300\n', ['-p', 'debug', '-c', await slurmCpus(), '--time=3', '-J', 'blocker2', '-o', '/dev/null']);
    const blockerRunning = await until(blocker, ['RUNNING'], 'the blocker to run');
    const waiting = await submit('#!/bin/sh\ntrue\n', ['-p', 'debug', '--time=1', '-J', 'behind', '-o', '/dev/null']);
    const fromSlurm = await eventually(async () => ((j) => (j.estimatedStart?.source === 'ENGINE' ? j : null))(await seen(waiting)), 120_000, 'Slurm to estimate the start', 1000);
    const slurmEst = new Date(fromSlurm.estimatedStart!.time!).getTime();
    const blockerEnd = new Date(blockerRunning.startTime!).getTime() + 3 * 60_000;
    console.log(`Slurm estimated ${fromSlurm.estimatedStart!.time}, the blocker's limit ends ${new Date(blockerEnd).toISOString()}`);
    expect(Math.abs(slurmEst - blockerEnd)).toBeLessThan(60_000);
    await gql(gw.url, token, CANCEL, { id: blocker });
    await gql(gw.url, token, CANCEL, { id: waiting });
  });
});
