import { readFileSync } from 'node:fs';
import { LoginNode } from '../../../test/support/login-node';
import { SLURM_TEST_USER } from '../../../test/support/slurm-gateway';
import { RunnerUnavailableError } from './command-runner';
import { SshRunner } from './ssh-runner';

/** The SSH command runner against a real sshd: key auth, host-key checking, pooling, timeouts. */

let node: LoginNode;
beforeAll(async () => (node = await LoginNode.start(['root', SLURM_TEST_USER])), 30_000);
afterAll(() => node?.stop());

function runner(knownHosts = readFileSync(node.knownHosts, 'utf8'), commandTimeoutMs = 10_000): SshRunner {
  return new SshRunner({ host: '127.0.0.1', port: node.port, user: 'root', privateKey: readFileSync(node.keyFile), knownHosts, connectTimeoutMs: 5000, commandTimeoutMs, maxConnections: 2, maxSessionsPerConnection: 4 });
}

it('runs argv on the node as the login asked for, stdin in, stdout, stderr and the exit code out', async () => {
  const r = runner();
  try {
    expect(await r.run({ argv: ['sh', '-c', 'id -un; cat; echo oops >&2; exit 4'], stdin: "it's $HOME `x`\n" })).toEqual({ code: 4, stdout: `root\nit's $HOME \`x\`\n`, stderr: 'oops\n' });
    expect((await r.run({ argv: ['id', '-un'], login: SLURM_TEST_USER })).stdout).toBe(`${SLURM_TEST_USER}\n`);
    // Forty commands at once over at most 2 connections × 4 sessions: all run, none refused by sshd.
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => r.run({ argv: ['echo', `n${i}; echo injected $(id -u)`] })));
    expect(many.map((m) => m.stdout)).toEqual(Array.from({ length: 40 }, (_, i) => `n${i}; echo injected $(id -u)\n`));
  } finally {
    await r.close();
  }
}, 60_000);

it('refuses a node whose host key is not in known_hosts', async () => {
  const other = await LoginNode.start(['root']);
  const r = runner(readFileSync(other.knownHosts, 'utf8').replace(String(other.port), String(node.port)));
  try {
    await expect(r.run({ argv: ['true'] })).rejects.toThrow(/host key not in known_hosts/);
  } finally {
    await r.close();
    await other.stop();
  }
}, 30_000);

it('a command that outlives its timeout is reported unavailable, and the runner keeps working', async () => {
  const r = runner(undefined, 500);
  try {
    await expect(r.run({ argv: ['sleep', '5'] })).rejects.toBeInstanceOf(RunnerUnavailableError);
    expect((await r.run({ argv: ['echo', 'still here'] })).stdout).toBe('still here\n');
  } finally {
    await r.close();
  }
}, 30_000);
