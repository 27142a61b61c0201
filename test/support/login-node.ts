import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileP, freePort, pidAlive, portOpen, readPidFile, stopPid, until } from './daemons';

/**
 * A real OpenSSH login node on a free loopback port (ENVIRONMENT.md "OpenSSH login nodes"): its own
 * host key, one client key authorised for the given users, and a known_hosts file naming the node.
 * Package: openssh-server (scripts/test-deps/slurm.sh). Stopped by PID.
 */
export class LoginNode {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly keyFile: string,
    readonly knownHosts: string,
    private pid: number,
  ) {}

  static async start(users: string[], extraConfig: string[] = []): Promise<LoginNode> {
    const dir = mkdtempSync('/tmp/hpcg-login-');
    chmodSync(dir, 0o755);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKey = join(dir, 'host_ed25519');
    const keyFile = join(dir, 'client_ed25519');
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const keysDir = join(dir, 'authorized_keys');
    mkdirSync(keysDir, { mode: 0o755 });
    for (const u of users) writeFileSync(join(keysDir, u), readFileSync(`${keyFile}.pub`), { mode: 0o644 });
    const port = await freePort();
    const pidFile = join(dir, 'sshd.pid');
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${pidFile}`,
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        `AuthorizedKeysFile ${keysDir}/%u`,
        // The keys live under /tmp, which StrictModes would (rightly) refuse on a real node.
        'StrictModes no',
        `AllowUsers ${users.join(' ')}`,
        'MaxSessions 20',
        'MaxStartups 100:30:200',
        ...extraConfig,
        // root's ~/.bashrc on this machine kind runs `pyenv init` (~0.7 s per session, sourced by bash under
        // sshd); no site's service account pays that, so root's sessions get HOME in the test directory.
        'Match User root',
        `  SetEnv HOME=${dir}`,
        '',
      ].join('\n'),
    );
    const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
    // An absolute -f path: sshd re-executes itself per connection and would not find a relative one.
    await execFileP('/usr/sbin/sshd', ['-f', config, '-E', join(dir, 'sshd.log')]);
    await until('sshd pid file', () => {
      const pid = readPidFile(pidFile);
      return pid !== null && pidAlive(pid);
    });
    await until('sshd to listen', () => portOpen(port), 10_000);
    return new LoginNode(dir, port, keyFile, knownHosts, readPidFile(pidFile)!);
  }

  async stop(): Promise<void> {
    await stopPid(this.pid);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
