import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedEngine } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Backend } from './backend';
import { htcondorBackend } from './htcondor/htcondor-backend-factory';
import { KubernetesBackend } from './kubernetes/kubernetes-backend';
import { LocalBackend } from './local/local-backend';
import { slurmBackend } from './slurm/slurm-backend-factory';

/** One Backend per configured engine, built from the site configuration. */
@Injectable()
export class BackendRegistry implements OnModuleDestroy {
  private readonly backends = new Map<string, Backend>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectPinoLogger('backends') logger: PinoLogger) {
    for (const engine of config.engines) this.backends.set(engine.name, this.build(engine, config, logger));
  }

  private build(engine: ResolvedEngine, config: AppConfig, logger: PinoLogger): Backend {
    switch (engine.kind) {
      case 'local':
        return new LocalBackend({
          name: engine.name,
          slots: engine.slots,
          stateDir: engine.stateDir,
          killWaitSeconds: engine.killWait,
          pollIntervalMs: 200,
          clusterName: config.cluster,
          logger: logger.logger.child({ engine: engine.name }),
          security: config.site.security,
        });
      case 'kubernetes':
        return new KubernetesBackend({
          name: engine.name,
          config: engine,
          partitions: config.partitions.filter((p) => p.engine === engine.name),
          notebookProfiles: config.notebooks.profiles,
          clusterName: config.cluster,
          logger: logger.logger.child({ engine: engine.name }),
          security: config.site.security,
        });
      case 'slurm':
        return slurmBackend(engine, config.cluster, logger.logger.child({ engine: engine.name }), config.site.security);
      case 'htcondor':
        return htcondorBackend(engine, config.partitions.filter((p) => p.engine === engine.name), config.cluster, logger.logger.child({ engine: engine.name }), config.site.security);
    }
  }

  get(name: string): Backend {
    const backend = this.backends.get(name);
    if (!backend) throw new DomainError(ErrorCode.INTERNAL, `engine "${name}" is not configured on this gateway`);
    return backend;
  }

  all(): Backend[] {
    return [...this.backends.values()];
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.all().map((b) => b.stop?.()));
  }
}
