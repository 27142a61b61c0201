import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Debian's sshd; it must be started with an absolute path (it re-executes itself per connection). */
const SSHD = '/usr/sbin/sshd';

export interface LoginNodeProcess {
  name: string;
  port: number;
  /** PID of the listening sshd; per-connection children outlive it, as on a real node. */
  pid(): number;
  running(): boolean;
  /** SIGKILL the listening sshd (a crashed node: its port refuses at once). */
  kill(): Promise<void>;
  /** Start it again on the same port with the same host key. */
  restart(): Promise<void>;
}

export interface LoginNodes {
  dir: string;
  user: string;
  /** The users' private key, and the load probe's dedicated one (both authorized). */
  userKey: string;
  probeKey: string;
  nodes: LoginNodeProcess[];
  /** File a node's test probe command reads its load line from (see `loadProbeCommand`). */
  loadFile(name: string): string;
  setLoad(name: string, load1: number): void;
  stop(): Promise<void>;
}

/**
 * The probe command the tests configure: each node answers with the load written to its own file
 * (sshd's SetEnv gives each node's sessions LOGIN_NODE), a CPU count of 4, and no users.
 */
export function loadProbeCommand(dir: string): string {
  return `cat ${dir}/load-$LOGIN_NODE; echo 4; echo 0`;
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when `port` shows an SSH banner. */
async function waitForBanner(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(d.toString('latin1').startsWith('SSH-2.0-'));
      });
      s.once('error', () => resolve(false));
      s.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on port ${port} did not show its banner within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hpcg-test', '-f', file]);
}

function assertUnlocked(user: string): void {
  // With UsePAM no, sshd refuses a locked account ("!" password) even for key logins.
  if (!existsSync('/etc/shadow')) return;
  let shadow: string;
  try {
    shadow = readFileSync('/etc/shadow', 'utf8');
  } catch {
    return;
  }
  const entry = shadow.split('\n').find((l) => l.startsWith(`${user}:`));
  if (entry?.split(':')[1].startsWith('!')) throw new Error(`account ${user} is locked ("!"), so sshd refuses its key logins: usermod -p '*' ${user}`);
}

/**
 * Real OpenSSH login nodes on 127.0.0.1 (one sshd each, own host key and port, told apart by
 * VersionAddendum and SetEnv LOGIN_NODE), accepting the current user with a test key.
 */
export async function startLoginNodes(names: string[]): Promise<LoginNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-sshd-'));
  const user = userInfo().username;
  assertUnlocked(user);
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const userKey = join(dir, 'user_key');
  const probeKey = join(dir, 'probe_key');
  keygen(userKey);
  keygen(probeKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`, 'utf8') + readFileSync(`${probeKey}.pub`, 'utf8'), { mode: 0o600 });
  const setLoad = (name: string, load1: number) => writeFileSync(join(dir, `load-${name}`), `${load1.toFixed(2)} 0.50 0.50 1/100 1234\n`);

  const nodes: LoginNodeProcess[] = [];
  const children = new Map<string, ChildProcess>();
  for (const name of names) {
    const port = await freeTcpPort();
    const hostKey = join(dir, `${name}_host_key`);
    keygen(hostKey);
    setLoad(name, 0.5);
    const configFile = join(dir, `${name}_sshd_config`);
    writeFileSync(
      configFile,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, `${name}.pid`)}`,
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        // The keys live under the temporary directory, which is not the user's home.
        'StrictModes no',
        `AllowUsers ${user}`,
        'PermitRootLogin prohibit-password',
        `VersionAddendum ${name}`,
        // HOME in the test directory: bash run by sshd sources ~/.bashrc, and the current user's (root's, on
        // this machine kind: `pyenv init`) costs ~0.7 s per session, which no login node of a site spends.
        `SetEnv LOGIN_NODE=${name} HOME=${dir}`,
        'UseDNS no',
        'PrintMotd no',
        'MaxStartups 200:30:400',
        'LogLevel ERROR',
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        '',
      ].join('\n'),
    );
    const start = async () => {
      const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d));
      children.set(name, child);
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sshd ${name} exited (${code}): ${err.trim()}`))));
      exited.catch(() => undefined);
      await Promise.race([waitForBanner(port), exited]);
    };
    const stopChild = async (signal: NodeJS.Signals) => {
      const child = children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await gone;
    };
    await start();
    nodes.push({
      name,
      port,
      pid: () => children.get(name)!.pid!,
      running: () => {
        const c = children.get(name);
        return !!c && c.exitCode === null && c.signalCode === null;
      },
      kill: () => stopChild('SIGKILL'),
      restart: start,
    });
  }
  return {
    dir,
    user,
    userKey,
    probeKey,
    nodes,
    loadFile: (name) => join(dir, `load-${name}`),
    setLoad,
    async stop() {
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Arguments for the real `ssh` client: batch mode, the test key, no host key prompts (each node has
 * its own key). The classic curve25519 key exchange instead of 9.x's post-quantum default keeps
 * hundreds of logins quick on two cores; the proxy does not see the difference.
 */
export function sshClientArgs(port: number, key: string): string[] {
  const options = ['BatchMode=yes', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'ConnectTimeout=10', 'KexAlgorithms=curve25519-sha256', 'GSSAPIAuthentication=no'];
  return ['-p', String(port), '-i', key, ...options.flatMap((o) => ['-o', o])];
}
