import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ErrorCode } from '../../common/domain-error';
import type { LocalEngine } from './local-engine';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus } from '../../../test/local-engine/job-status';
import { Scratch } from '../../../test/local-engine/state-dir';
import { giveToTestJob, ownedDir } from '../../../test/support/test-accounts';

jest.setTimeout(30_000);

const host = hostname().split('.')[0];
const scratch = new Scratch();
let engine: LocalEngine;
let workdir: string;

// --time=1 is 60 s, the shortest limit there is: that one job runs on its own engine while the other tests run.
let timeLimited: LocalEngine;
const TIME_LIMITED_JOB = 900;

beforeAll(async () => {
  workdir = scratch.path('work');
  ownedDir(workdir);
  engine = scratch.engine({ stateDir: scratch.path('state'), slots: 2 });
  await engine.start();

  timeLimited = scratch.engine({ stateDir: scratch.path('state-time-limit'), slots: 1, killWaitSeconds: 1 });
  await timeLimited.start();
  await timeLimited.submit(
    engineJob(TIME_LIMITED_JOB, workdir, {
      timeLimitMinutes: 1,
      signal: { signal: 'USR1', seconds: 55, batchOnly: true },
      output: 'limit-%j.out',
      script: [
        '#!/bin/bash',
        "trap 'echo batch got USR1 after $SECONDS s' USR1",
        "trap 'echo batch got TERM after $SECONDS s' TERM",
        // A child that would report a USR1: with B: only the batch shell may get it.
        "(trap 'echo child got USR1' USR1; while true; do sleep 0.2; done) &",
        'echo started',
        'while true; do sleep 0.2; done',
        '',
      ].join('\n'),
    }),
  );
});

afterAll(() => scratch.cleanup());

const read = (name: string) => readFileSync(`${workdir}/${name}`, 'utf8');

describe('local engine: running batch jobs', () => {
  it('runs a job to COMPLETED, with output where -o says and the SLURM_* values a script reads', async () => {
    const script = [
      '#!/bin/bash',
      'echo "id=$SLURM_JOB_ID name=$SLURM_JOB_NAME cpus=$SLURM_CPUS_PER_TASK on_node=$SLURM_CPUS_ON_NODE ntasks=$SLURM_NTASKS"',
      'echo "node=$SLURMD_NODENAME nodelist=$SLURM_JOB_NODELIST cluster=$SLURM_CLUSTER_NAME partition=$SLURM_JOB_PARTITION"',
      'echo "submit=$SLURM_SUBMIT_DIR host=$SLURM_SUBMIT_HOST env=$ENVIRONMENT pwd=$(pwd) arg1=$1"',
      'echo "to stderr" >&2',
      '',
    ].join('\n');
    const ref = await engine.submit(engineJob(201, workdir, { name: 'hello', output: '%x-%j.out', cpusPerTask: 2, scriptArgs: ['one two'], script }));
    expect(ref).toBe('201');

    const [update] = await finalStatus(engine, 201);
    expect(update).toMatchObject({ jobId: 201, arrayIndex: null, state: 'COMPLETED', exitCode: 0, signal: null, node: host });
    expect(update.startTime!.getTime()).toBeLessThanOrEqual(update.endTime!.getTime());

    expect(read('hello-201.out')).toBe(
      [
        'id=201 name=hello cpus=2 on_node=2 ntasks=1',
        `node=${host} nodelist=${host} cluster=testcluster partition=debug`,
        `submit=${workdir} host=submit-host env=BATCH pwd=${workdir} arg1=one two`,
        'to stderr',
        '',
      ].join('\n'),
    );
    const out = await engine.output(ref, 201, { stream: 'stdout', arrayIndex: null, tailLines: 2, offset: 0, limit: 0 });
    expect(out).toMatchObject({ path: `${workdir}/hello-201.out`, data: expect.stringMatching(/^submit=.*\nto stderr\n$/) });
    // Without -e, stderr has no file of its own.
    expect(await engine.output(ref, 201, { stream: 'stderr', arrayIndex: null, tailLines: null, offset: 0, limit: 100 })).toMatchObject({ data: '', size: 0 });
  });

  it('writes stderr to its own -e file, and appends with --open-mode=append', async () => {
    writeFileSync(`${workdir}/append-202.out`, 'from before\n');
    giveToTestJob(`${workdir}/append-202.out`);
    await engine.submit(engineJob(202, workdir, { output: 'append-%j.out', error: 'append-%j.err', openMode: 'append', script: '#!/bin/sh\necho out\necho err >&2\n' }));
    expect((await finalStatus(engine, 202))[0].state).toBe('COMPLETED');
    expect(read('append-202.out')).toBe('from before\nout\n');
    expect(read('append-202.err')).toBe('err\n');
    expect((await engine.output('202', 202, { stream: 'stderr', arrayIndex: null, tailLines: null, offset: 0, limit: 100 })).data).toBe('err\n');
  });

  it('reports a non-zero exit as FAILED with its exit code', async () => {
    await engine.submit(engineJob(203, workdir, { script: '#!/bin/bash\necho failing\nexit 3\n' }));
    expect((await finalStatus(engine, 203))[0]).toMatchObject({ state: 'FAILED', exitCode: 3, signal: null, reason: 'NonZeroExitCode' });
  });

  it('reports a job killed by a signal it did not get from us as FAILED with that signal', async () => {
    await engine.submit(engineJob(204, workdir, { script: '#!/bin/bash\nkill -KILL $$\n' }));
    expect((await finalStatus(engine, 204))[0]).toMatchObject({ state: 'FAILED', exitCode: 0, signal: 9, reason: 'RaisedSignal:9(SIGKILL)' });
  });

  it('fails a job whose output file cannot be created, saying why', async () => {
    await engine.submit(engineJob(205, workdir, { output: '/nonexistent-hpcg-dir/out-%j.txt' }));
    const [update] = await finalStatus(engine, 205);
    expect(update.state).toBe('FAILED');
    expect(update.reason).toMatch(/^could not start the job: .*\/nonexistent-hpcg-dir\/out-205\.txt/);
  });

  it('--export=NONE,FOO=bar: a login-like environment plus FOO, without the submitter variables', async () => {
    await engine.submit(
      engineJob(206, workdir, {
        export: { mode: 'NONE', vars: { FOO: 'bar' } },
        environment: { SUBMITTER_ONLY: 'secret', PATH: '/opt/submitter/bin', HOME: '/root' },
        script: '#!/bin/bash\nenv | sort\n',
      }),
    );
    expect((await finalStatus(engine, 206))[0].state).toBe('COMPLETED');
    const env = Object.fromEntries(read('slurm-206.out').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env.FOO).toBe('bar');
    expect(env).not.toHaveProperty('SUBMITTER_ONLY');
    expect(env.PATH).toBe(`${scratch.path('state', 'bin')}:/usr/local/bin:/usr/bin:/bin`);
    expect(env).toMatchObject({ SLURM_EXPORT_ENV: 'NONE,FOO=bar', SLURM_JOB_ID: '206', ENVIRONMENT: 'BATCH' });
    expect(env.HOME).toBeTruthy();
  });

  it('srun -n 3 -l runs three labelled tasks; an unknown option and a failing task show in the status', async () => {
    const script = [
      '#!/bin/bash',
      "srun -n 3 -l bash -c 'echo rank $SLURM_PROCID of $SLURM_NTASKS local $SLURM_LOCALID step $SLURM_STEP_ID'",
      'srun --no-such-flag true; echo "unknown flag: $?"',
      "srun -n 2 --cpu-bind=cores -c 1 bash -c 'exit $((SLURM_PROCID + 4))'; echo \"failing step: $?\"",
      '',
    ].join('\n');
    await engine.submit(engineJob(207, workdir, { ntasks: 2, script }));
    expect((await finalStatus(engine, 207))[0].state).toBe('COMPLETED');
    const lines = read('slurm-207.out').trim().split('\n');
    expect(lines.filter((l) => /^\d: rank/.test(l)).sort()).toEqual(['0: rank 0 of 3 local 0 step 0', '1: rank 1 of 3 local 1 step 0', '2: rank 2 of 3 local 2 step 0']);
    expect(lines).toContain("srun: error: unrecognized option '--no-such-flag'");
    expect(lines).toContain('unknown flag: 1');
    expect(lines).toContain('failing step: 4');
  });

  it('submitting the same job twice runs it once (exactly-once), and findByTag finds it', async () => {
    const job = engineJob(208, workdir, { script: '#!/bin/bash\necho ran >> ran-208.txt\n' });
    expect(await engine.findByTag(job)).toBeNull();
    expect(await Promise.all([engine.submit(job), engine.submit(job)])).toEqual(['208', '208']);
    await finalStatus(engine, 208);
    expect(await engine.submit(job)).toBe('208');
    await new Promise((r) => setTimeout(r, 300)); // a few executor passes
    expect(read('ran-208.txt')).toBe('ran\n');
    expect(await engine.findByTag(job)).toBe('208');
    // The record is this job's only with its nonce and owner (another database's job 208 is not).
    expect(await engine.findByTag({ ...job, nonce: 'f'.repeat(32) })).toBeNull();
    expect(await engine.findByTag({ ...job, owner: { ...job.owner, username: 'someone-else' } })).toBeNull();
    // Another job under the same id is not a retry: the state directory belongs to another database.
    await expect(engine.submit(engineJob(208, workdir, { script: '#!/bin/bash\necho other\n' }))).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await expect(engine.submit({ ...job, nonce: 'f'.repeat(32) })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      message: expect.stringContaining('engine local already holds a different job 208'),
    });
  });

  it('describes one host and reports a writable state directory', async () => {
    const [partition] = await engine.describe();
    expect(partition).toMatchObject({ name: 'local', state: 'up', nodes: 1, cpus: 2, gpus: 0, maxTimeMinutes: -1, nodeNames: [host] });
    expect(partition.memoryMB).toBeGreaterThan(0);
    expect(await engine.health()).toMatchObject({ ok: true, detail: expect.stringContaining('executor running in this process') });
  });

  it('stops a job at its time limit: --signal first, then SIGTERM and SIGKILL after KillWait, state TIMEOUT', async () => {
    const [update] = await finalStatus(timeLimited, TIME_LIMITED_JOB, 90_000);
    expect(update).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit', signal: 9 });
    const seconds = (update.endTime!.getTime() - update.startTime!.getTime()) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(60);
    expect(seconds).toBeLessThan(66);
    const out = read(`limit-${TIME_LIMITED_JOB}.out`);
    // USR1 55 s before the 60 s limit: at 5 s, give or take bash's whole-second $SECONDS and a loaded machine.
    expect(out).toMatch(/^started\nbatch got USR1 after [4-6] s\n/);
    expect(out).toMatch(/batch got TERM after 6\d s/);
    expect(out).not.toContain('child got USR1');
    expect(existsSync(`${workdir}/limit-${TIME_LIMITED_JOB}.out`)).toBe(true);
  }, 90_000);
});
