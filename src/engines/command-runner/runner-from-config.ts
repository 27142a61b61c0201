import { readFileSync } from 'node:fs';
import type { RunnerConfig } from '../../config/runner.schema';
import type { CommandRunner } from './command-runner';
import { LocalRunner } from './local-runner';
import { SshRunner } from './ssh-runner';

/** The runner a command-line engine's commands go through: this host, or a submit node over SSH. */
export function commandRunner(config: RunnerConfig, timeoutMs: number): CommandRunner {
  if (config.kind === 'local') return new LocalRunner({ env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' }, timeoutMs });
  return new SshRunner({
    host: config.host,
    port: config.port,
    user: config.user,
    privateKey: readFileSync(config.keyFile),
    knownHosts: readFileSync(config.knownHosts, 'utf8'),
    connectTimeoutMs: config.connectTimeout * 1000,
    commandTimeoutMs: timeoutMs,
    maxConnections: config.maxConnections,
  });
}
