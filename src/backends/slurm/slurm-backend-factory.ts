import { readFileSync } from 'node:fs';
import type { SlurmEngineConfig } from '../../config/site-config.schema';
import type { RunnerConfig } from '../../config/runner.schema';
import type { CommandRunner } from '../command-runner/command-runner';
import { LocalRunner } from '../command-runner/local-runner';
import { SshRunner } from '../command-runner/ssh-runner';
import type { EngineLogger } from '../local/local-engine-options';
import { SlurmBackend } from './slurm-backend';

/** Builds a Slurm engine and its runner from the site configuration (README "Slurm engine"). */
export function slurmBackend(engine: SlurmEngineConfig & { name: string }, site: string, logger: EngineLogger): SlurmBackend {
  return new SlurmBackend({
    name: engine.name,
    runner: commandRunner(engine.runner, engine.commandTimeout * 1000),
    submitAs: engine.submitAs,
    slurmConf: engine.slurmConf ?? null,
    binDir: engine.binDir,
    accounting: engine.accounting,
    site,
    clusterName: engine.cluster ?? null,
    logger,
  });
}

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
