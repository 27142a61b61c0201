/**
 * Client test (not end-to-end): `hpcg sbatch` with the real sbatch parser against a fake gateway.
 * Checks what is read, what is sent (never the token), what is printed and the exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../program';
import { type FakeGateway, graphqlError, type RecordedRequest, startFakeGateway } from '../../../test/cli/fake-gateway';
import { makeJob, makeTask } from '../../../test/cli/job-fixtures';
import { memoryIo, testContext } from '../../../test/cli/memory-io';
import type { GatewayJob } from '../gateway-types';
import { waitExitCode } from './sbatch';

const SCRIPT = '#!/bin/bash\n#SBATCH -J hello\necho hi\n';

describe('client test: hpcg sbatch', () => {
  let gateway: FakeGateway;
  let dir: string;
  let polls: GatewayJob[];
  let onSubmit: (req: RecordedRequest) => unknown;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-sbatch-'));
    polls = [];
    onSubmit = () => ({ data: { submitBatchScript: { jobId: 42 } } });
    gateway = await startFakeGateway((req) => {
      switch (req.operationName) {
        case 'CliSubmit':
          return onSubmit(req);
        case 'CliTest':
          if ((req.variables.args as string[]).includes('--partition=nope')) return graphqlError('BAD_USER_INPUT', 'invalid partition "nope"', { option: '--partition' });
          return { data: { testBatchScript: { spec: { name: 'hello', partitions: ['debug'] }, engine: 'laptop', translation: { argv: ['bash'] } } } };
        case 'CliJob':
          return { data: { job: polls.length > 1 ? polls.shift() : polls[0] } };
        default:
          throw new Error(`unexpected ${req.operationName}`);
      }
    });
  });
  afterEach(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function sbatch(args: string[], io = memoryIo({ cwd: dir, env: { HPCG_TOKEN: 'secret-token', PATH: '/usr/bin', SBATCH_ACCOUNT: 'physics' } })) {
    const code = await runCli(['sbatch', ...args], testContext(io, { url: gateway.url }));
    return { code, out: io.stdoutText(), err: io.stderrText(), io };
  }
  const writeScript = (name: string, body: string | Buffer) => writeFileSync(join(dir, name), body);

  it('reads the script file and submits it with options, arguments, environment, cwd and name', async () => {
    writeScript('job.sh', SCRIPT);
    const { code, out, err } = await sbatch(['-p', 'debug', '--time=5', 'job.sh', 'arg 1', '-x']);
    expect([code, out, err]).toEqual([0, 'Submitted batch job 42\n', '']);
    expect(gateway.calls('CliSubmit')[0].variables).toEqual({
      script: SCRIPT,
      args: ['-p', 'debug', '--time=5'],
      scriptArgs: ['arg 1', '-x'],
      env: { PATH: '/usr/bin', SBATCH_ACCOUNT: 'physics' },
      cwd: dir,
      scriptName: 'job.sh',
      key: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('never sends the token in the environment', async () => {
    writeScript('job.sh', SCRIPT);
    await sbatch(['job.sh']);
    expect(JSON.stringify(gateway.requests.map((r) => r.variables))).not.toContain('secret-token');
  });

  it('--parsable prints the bare id, also when it comes from an #SBATCH line', async () => {
    writeScript('job.sh', SCRIPT);
    expect((await sbatch(['--parsable', 'job.sh'])).out).toBe('42\n');
    writeScript('p.sh', '#!/bin/sh\n#SBATCH --parsable\ntrue\n');
    expect((await sbatch(['p.sh'])).out).toBe('42\n');
  });

  it("prints the parser's warnings as sbatch does, unless -Q", async () => {
    writeScript('slurm.sh', '#!/bin/sh\n#SLURM --time=5\ntrue\n');
    const { code, err } = await sbatch(['slurm.sh']);
    expect(code).toBe(0);
    expect(err).toMatch(/^sbatch: warning: Change from #SLURM to #SBATCH .*script line 2/);
    expect((await sbatch(['-Q', 'slurm.sh'])).err).toBe('');
  });

  it('reads the script from stdin when none is named (no script name sent)', async () => {
    const io = memoryIo({ cwd: dir, stdinText: SCRIPT });
    expect((await sbatch([], io)).code).toBe(0);
    expect(gateway.calls('CliSubmit')[0].variables).toMatchObject({ script: SCRIPT, scriptName: null });
  });

  it('sends no script with --wrap and does not read stdin', async () => {
    const io = memoryIo({ cwd: dir, stdinText: 'should not be read' });
    await sbatch(['--wrap', 'echo hi'], io);
    expect(gateway.calls('CliSubmit')[0].variables).toMatchObject({ script: null, args: ['--wrap', 'echo hi'], scriptName: null });
  });

  it('asks for a script when there is none and stdin is a terminal', async () => {
    const { code, err } = await sbatch(['-J', 'x']);
    expect([code, err]).toEqual([1, 'sbatch: error: no batch script: name a script file, pipe one on stdin, or use --wrap\n']);
    expect(gateway.requests).toHaveLength(0);
  });

  it('refuses a missing file, invalid UTF-8 and NUL bytes before sending anything', async () => {
    expect((await sbatch(['missing.sh'])).err).toBe('sbatch: error: Unable to open file missing.sh\n');
    writeScript('latin1.sh', Buffer.concat([Buffer.from('#!/bin/sh\necho gr'), Buffer.from([0xfc]), Buffer.from('n\n')]));
    expect((await sbatch(['latin1.sh'])).err).toBe(
      'sbatch: error: latin1.sh is not valid UTF-8 at line 2 (byte offset 17): save the script as UTF-8 text\n',
    );
    writeScript('nul.sh', Buffer.from('#!/bin/sh\n\0\n'));
    expect((await sbatch(['nul.sh'])).code).toBe(1);
    expect(gateway.requests).toHaveLength(0);
  });

  it("reports parse errors locally in the parser's words, exit 1, nothing sent", async () => {
    writeScript('job.sh', SCRIPT);
    const { code, err } = await sbatch(['--time=1:2:3:4', 'job.sh']);
    expect(code).toBe(1);
    expect(err).toMatch(/^sbatch: error: .*--time.*1:2:3:4/);
    expect(err).not.toMatch(/sbatch: error: sbatch: error/);
    expect(gateway.requests).toHaveLength(0);
  });

  it("prints the gateway's refusal as sbatch: error and exits 1", async () => {
    writeScript('job.sh', SCRIPT);
    onSubmit = () => graphqlError('LIMIT_EXCEEDED', 'user alice may have at most 20 running jobs (limits.groups.students.maxRunning)');
    const { code, out, err } = await sbatch(['job.sh']);
    expect([code, out, err]).toEqual([1, '', 'sbatch: error: user alice may have at most 20 running jobs (limits.groups.students.maxRunning)\n']);
  });

  it('--test-only --json prints spec, engine and translation from testBatchScript and submits nothing', async () => {
    writeScript('job.sh', SCRIPT);
    const { code, out } = await sbatch(['--test-only', '--json', 'job.sh']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ spec: { name: 'hello', partitions: ['debug'] }, engine: 'laptop', translation: { argv: ['bash'] } });
    expect(gateway.calls('CliSubmit')).toHaveLength(0);
  });

  it('--test-only --json prints a refusal as JSON too, exit 1', async () => {
    writeScript('job.sh', SCRIPT);
    const { code, out, err } = await sbatch(['--test-only', '--json', '--partition=nope', 'job.sh']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({ error: { code: 'BAD_USER_INPUT', message: 'invalid partition "nope"', details: { option: '--partition' } } });
    expect(err).toBe('sbatch: error: invalid partition "nope"\n');
  });

  it('--test-only says honestly where the job would run', async () => {
    writeScript('job.sh', SCRIPT);
    const { code, out, err } = await sbatch(['--test-only', 'job.sh']);
    expect([code, out, err]).toEqual([0, '', 'sbatch: test only: job would run on engine laptop in partition debug\n']);
  });

  it("--wait polls with backoff and exits with the job's exit code", async () => {
    writeScript('job.sh', SCRIPT);
    polls = [makeJob({ id: 42 }), makeJob({ id: 42, state: 'RUNNING' }), makeJob({ id: 42, state: 'FAILED', exitCode: 3 })];
    const { code, out, io } = await sbatch(['-W', 'job.sh']);
    expect(out).toBe('Submitted batch job 42\n');
    expect(code).toBe(3);
    expect(gateway.calls('CliJob').map((r) => r.variables.id)).toEqual([42, 42, 42]);
    expect(io.sleeps).toEqual([500, 750, 1125]);
  });
});

describe('waitExitCode (sbatch --wait)', () => {
  it('is the exit code, 1 after a signal, and the highest of an array', () => {
    expect(waitExitCode(makeJob({ id: 1, state: 'COMPLETED', exitCode: 0 }))).toBe(0);
    expect(waitExitCode(makeJob({ id: 1, state: 'FAILED', exitCode: 0, signal: 9 }))).toBe(1);
    expect(waitExitCode(makeJob({ id: 1, state: 'CANCELLED' }))).toBe(1);
    const array = makeJob({
      id: 2,
      isArray: true,
      state: 'FAILED',
      arrayTasks: [makeTask(1, 2, { state: 'COMPLETED', exitCode: 0 }), makeTask(2, 3, { state: 'FAILED', exitCode: 7 }), makeTask(3, 4, { state: 'FAILED', exitCode: 2 })],
    });
    expect(waitExitCode(array)).toBe(7);
  });
});
