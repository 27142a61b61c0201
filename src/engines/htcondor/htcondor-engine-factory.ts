import type { SecurityConfig } from '../../config/security-config.schema';
import type { HtcondorEngineConfig } from '../../config/htcondor-engine.schema';
import type { ResolvedPartition } from '../../config/load-config';
import type { EngineLogger } from '../shared/engine-logger';
import { commandRunner } from '../command-runner/runner-from-config';
import { HtcondorEngine } from './htcondor-engine';
import { parseHtcondorPartitions } from './htcondor-partition';

/** Builds an HTCondor engine and its runner from the site configuration (README "HTCondor engine"). */
export function htcondorEngine(engine: HtcondorEngineConfig & { name: string }, partitions: ResolvedPartition[], site: string, logger: EngineLogger, security?: SecurityConfig): HtcondorEngine {
  return new HtcondorEngine({
    name: engine.name,
    runner: commandRunner(engine.runner, engine.commandTimeout * 1000),
    submitAs: engine.submitAs,
    binDir: engine.binDir,
    schedd: engine.schedd ?? null,
    stageDir: engine.stageDir,
    requeueRetries: engine.requeueRetries,
    historyWindowDays: engine.historyWindowDays,
    partitions: parseHtcondorPartitions(engine.name, partitions),
    site,
    clusterName: site,
    logger,
    security,
  });
}
