import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedEngine } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Engine } from './engine';
import { htcondorEngine } from './htcondor/htcondor-engine-factory';
import { LocalEngine } from './local/local-engine';
import { slurmEngine } from './slurm/slurm-engine-factory';

/** The id of the gateway's database (read once per process in EnginesModule): engines that keep state of their own bind it to this id. */
export const DATABASE_ID = 'DATABASE_ID';

/** One Engine per configured engine, built from the site configuration. */
@Injectable()
export class EngineRegistry implements OnModuleDestroy {
  private readonly engines = new Map<string, Engine>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DATABASE_ID) databaseId: string, @InjectPinoLogger('engines') logger: PinoLogger) {
    for (const engine of config.engines) this.engines.set(engine.name, this.build(engine, config, databaseId, logger));
  }

  private build(engine: ResolvedEngine, config: AppConfig, databaseId: string, logger: PinoLogger): Engine {
    switch (engine.kind) {
      case 'local':
        return new LocalEngine({
          name: engine.name,
          slots: engine.slots,
          stateDir: engine.stateDir,
          databaseId,
          killWaitSeconds: engine.killWait,
          pollIntervalMs: 200,
          clusterName: config.cluster,
          logger: logger.logger.child({ engine: engine.name }),
          security: config.site.security,
        });
      case 'kubernetes': {
        // Loaded only where a Kubernetes engine is configured: @kubernetes/client-node alone takes ~0.8 s
        // to load here, a quarter of a gateway process's start (bench/restart.ts).
        const { KubernetesEngine } = require('./kubernetes/kubernetes-engine') as typeof import('./kubernetes/kubernetes-engine');
        return new KubernetesEngine({
          name: engine.name,
          config: engine,
          partitions: config.partitions.filter((p) => p.engine === engine.name),
          notebookProfiles: config.notebooks.profiles,
          clusterName: config.cluster,
          logger: logger.logger.child({ engine: engine.name }),
          security: config.site.security,
        });
      }
      case 'slurm':
        return slurmEngine(engine, config.cluster, logger.logger.child({ engine: engine.name }), config.site.security);
      case 'htcondor':
        return htcondorEngine(engine, config.partitions.filter((p) => p.engine === engine.name), config.cluster, logger.logger.child({ engine: engine.name }), config.site.security);
    }
  }

  get(name: string): Engine {
    const engine = this.engines.get(name);
    if (!engine) throw new DomainError(ErrorCode.INTERNAL, `engine "${name}" is not configured on this gateway`);
    return engine;
  }

  all(): Engine[] {
    return [...this.engines.values()];
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.all().map((b) => b.stop?.()));
  }
}
