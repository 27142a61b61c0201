import type { SecurityConfig } from '../../config/security-config.schema';
import type { SlurmEngineConfig } from '../../config/site-config.schema';
import { commandRunner } from '../command-runner/runner-from-config';
import type { EngineLogger } from '../shared/engine-logger';
import { SlurmEngine } from './slurm-engine';

/** Builds a Slurm engine and its runner from the site configuration (README "Slurm engine"). */
export function slurmEngine(engine: SlurmEngineConfig & { name: string }, site: string, logger: EngineLogger, security?: SecurityConfig): SlurmEngine {
  return new SlurmEngine({
    name: engine.name,
    runner: commandRunner(engine.runner, engine.commandTimeout * 1000),
    submitAs: engine.submitAs,
    slurmConf: engine.slurmConf ?? null,
    binDir: engine.binDir,
    accounting: engine.accounting,
    site,
    clusterName: engine.cluster ?? null,
    logger,
    security,
  });
}
