/**
 * Client test (not end-to-end): the `hpcg` command tree as a user meets it: version, help, how
 * gateway failures read, `hpcg login` and `hpcg shims`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './program';
import { type FakeGateway, graphqlError, startFakeGateway } from '../../test/cli/fake-gateway';
import { memoryIo, testContext } from '../../test/cli/memory-io';

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('client test: hpcg', () => {
  let gateway: FakeGateway;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-program-'));
    gateway = await startFakeGateway((req) => {
      if (req.operationName !== 'CliLogin' && req.authorization !== 'Bearer good-token' && req.authorization !== 'Bearer test-token') return graphqlError('UNAUTHENTICATED', 'unknown token');
      if (req.operationName === 'CliMe') return { data: { me: { id: 1, username: 'alice', uid: 1001, gid: 1001, admin: false } } };
      if (req.operationName === 'CliPartitions') return { data: { partitions: [] } };
      if (req.operationName === 'CliLogin') {
        const v = req.variables as { username: string; password: string };
        return v.username === 'alice' && v.password === 'alice-secret'
          ? { data: { login: { token: 'new-token', username: 'alice', expiresAt: null } } }
          : graphqlError('UNAUTHENTICATED', 'invalid user name or password');
      }
      throw new Error(`unexpected ${req.operationName}`);
    });
  });
  afterEach(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--version prints the version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], testContext(io))).toBe(0);
    expect(io.stdoutText()).toBe('hpcg 0.1.0-test\n');
  });

  it('--help lists the Slurm commands; a command\'s --help shows its options', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], testContext(io))).toBe(0);
    for (const name of ['sbatch', 'squeue', 'scancel', 'sacct', 'sinfo', 'scontrol', 'shims', 'login']) expect(io.stdoutText()).toContain(name);
    const sq = memoryIo();
    await runCli(['squeue', '--help'], testContext(sq));
    expect(sq.stdoutText()).toContain('-h, --noheader');
  });

  it("says Slurm's words, then which gateway it cannot reach and why, without a stack trace, exit 1", async () => {
    const url = await closedPortUrl();
    const io = memoryIo();
    expect(await runCli(['sinfo'], testContext(io, { url }))).toBe(1);
    expect(io.stderrText()).toMatch(new RegExp(`^slurm_load_partitions: Unable to contact slurm controller \\(connect failure\\)\\nhpcg: cannot reach the gateway at ${url}: .*ECONNREFUSED.*\\n$`));
    expect(io.stderrText()).not.toMatch(/\n\s+at /);
  });

  it('says the token was refused and what to do, exit 1', async () => {
    const io = memoryIo();
    expect(await runCli(['sinfo'], testContext(io, { url: gateway.url, token: 'stale' }))).toBe(1);
    expect(io.stderrText()).toBe('hpcg: token refused (set HPCG_TOKEN or run hpcg login)\n');
  });

  it('login --token checks the token from stdin and saves it with mode 0600', async () => {
    const tokenFile = join(dir, 'cfg', 'hpcg', 'token');
    const io = memoryIo({ stdinText: 'good-token\n' });
    expect(await runCli(['login', '--token'], testContext(io, { url: gateway.url, token: null, tokenFile }))).toBe(0);
    expect(readFileSync(tokenFile, 'utf8')).toBe('good-token\n');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(io.stdoutText()).toBe(`logged in to ${gateway.url} as alice; token saved to ${tokenFile}\n`);
    expect(gateway.calls('CliMe')[0].authorization).toBe('Bearer good-token');
  });

  it('login keeps nothing when the gateway refuses the token', async () => {
    const tokenFile = join(dir, 'token');
    const io = memoryIo({ stdinText: 'bad-token\n' });
    expect(await runCli(['login', '--token'], testContext(io, { url: gateway.url, token: null, tokenFile }))).toBe(1);
    expect(existsSync(tokenFile)).toBe(false);
    expect(io.stderrText()).toBe('hpcg: token refused (set HPCG_TOKEN or run hpcg login)\n');
  });

  it('login asks the user name and the password at the terminal (the password without echo) and saves the token', async () => {
    const tokenFile = join(dir, 'token');
    const prompts: [string, boolean][] = [];
    const answers = ['alice', 'alice-secret'];
    const io = memoryIo({ promptLine: async (prompt, echo) => (prompts.push([prompt, echo]), answers.shift() as string) });
    expect(await runCli(['login'], testContext(io, { url: gateway.url, token: null, tokenFile }))).toBe(0);
    expect(prompts).toEqual([
      ['User name: ', true],
      ['Password for alice: ', false],
    ]);
    expect(readFileSync(tokenFile, 'utf8')).toBe('new-token\n');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(gateway.calls('CliLogin')[0].authorization).toBeUndefined();
  });

  it('login -u reads the password from stdin when it is not a terminal; a refused login saves nothing', async () => {
    const tokenFile = join(dir, 'token');
    const ok = memoryIo({ stdinText: 'alice-secret\n' });
    expect(await runCli(['login', '-u', 'alice', '--password-stdin'], testContext(ok, { url: gateway.url, token: null, tokenFile }))).toBe(0);
    expect(ok.stdoutText()).toBe(`logged in to ${gateway.url} as alice; token saved to ${tokenFile}\n`);
    rmSync(tokenFile);
    const bad = memoryIo({ stdinText: 'wrong\n' });
    expect(await runCli(['login', '-u', 'alice'], testContext(bad, { url: gateway.url, token: null, tokenFile }))).toBe(1);
    expect(bad.stderrText()).toBe('hpcg login: error: login failed: invalid user name or password\n');
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('shims writes the Slurm commands into the directory', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(['shims', 'bin'], testContext(io))).toBe(0);
    expect(readFileSync(join(dir, 'bin', 'squeue'), 'utf8')).toBe(
      "#!/bin/sh\n# hpcg shim: \"squeue\" runs \"hpcg squeue\" against the gateway\nexec '/usr/bin/node' '/opt/hpcg/dist/bin/hpcg.js' squeue \"$@\"\n",
    );
    expect(io.stdoutText()).toBe(`wrote sbatch, squeue, scancel, sacct, sinfo, scontrol, sacctmgr, sshare to ${join(dir, 'bin')} (8 files); put it first on PATH\n`);
  });
});
