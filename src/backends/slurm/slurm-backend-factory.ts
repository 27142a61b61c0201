import { readFileSync } from 'node:fs';
import type { SlurmEngineConfig } from '../../config/site-config.schema';
import type { CommandRunner } from '../command-runner/command-runner';
import { LocalRunner } from '../command-runner/local-runner';
import { SshRunner } from '../command-runner/ssh-runner';
import type { EngineLogger } from '../local/local-engine-options';
import { SlurmBackend } from './slurm-backend';

/** Builds a Slurm engine and its runner from the site configuration (README "Slurm engine"). */
export function slurmBackend(engine: SlurmEngineConfig & { name: string }, site: string, logger: EngineLogger): SlurmBackend {
  const timeoutMs = engine.commandTimeout * 1000;
  let runner: CommandRunner;
  if (engine.runner.kind === 'ssh') {
    const r = engine.runner;
    runner = new SshRunner({
      host: r.host,
      port: r.port,
      user: r.user,
      privateKey: readFileSync(r.keyFile),
      knownHosts: readFileSync(r.knownHosts, 'utf8'),
      connectTimeoutMs: r.connectTimeout * 1000,
      commandTimeoutMs: timeoutMs,
      maxConnections: r.maxConnections,
    });
  } else {
    runner = new LocalRunner({ env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' }, timeoutMs });
  }
  return new SlurmBackend({
    name: engine.name,
    runner,
    submitAs: engine.submitAs,
    slurmConf: engine.slurmConf ?? null,
    binDir: engine.binDir,
    accounting: engine.accounting,
    site,
    clusterName: engine.cluster ?? null,
    logger,
  });
}
