import { Inject, Injectable } from '@nestjs/common';
import { logFailure } from '../common/log-failure';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedPartition } from '../config/load-config';
import { badInput, forbidden } from '../common/domain-error';
import { BackendRegistry } from '../backends/backend-registry';
import type { PartitionCapacity } from '../backends/backend';

export interface PartitionView extends ResolvedPartition {
  engineKind: string;
  capacity: PartitionCapacity | null;
}

function canUse(p: ResolvedPartition, groups: string[], admin: boolean): boolean {
  return admin || p.allowGroups.length === 0 || p.allowGroups.some((g) => groups.includes(g));
}

@Injectable()
export class PartitionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly backends: BackendRegistry,
    @InjectPinoLogger(PartitionsService.name) private readonly log: PinoLogger,
  ) {}

  /**
   * The partition a job runs in: the default when none is named; from a list (`-p a,b`), the first
   * the user may use (Slurm picks the one that starts earliest; the gateway cannot know that).
   */
  resolve(requested: string[], user: { groups: string[]; admin: boolean }): ResolvedPartition {
    const all = this.config.partitions;
    if (requested.length === 0) {
      const def = all.find((p) => p.default) as ResolvedPartition;
      if (!canUse(def, user.groups, user.admin)) throw forbidden(`you may not use the default partition "${def.name}"; name one with -p`, { option: '--partition' });
      return def;
    }
    const unknown = requested.filter((name) => !all.some((p) => p.name === name));
    if (unknown.length) {
      throw badInput(`invalid partition specified: ${unknown.join(',')} (partitions: ${all.map((p) => p.name).join(', ')})`, {
        option: '--partition',
        value: unknown.join(','),
        allowed: all.map((p) => p.name),
      });
    }
    const usable = requested.map((name) => all.find((p) => p.name === name) as ResolvedPartition).find((p) => canUse(p, user.groups, user.admin));
    if (!usable) throw forbidden(`you may not use partition ${requested.join(',')}: it is limited to the groups ${all.find((p) => p.name === requested[0])?.allowGroups.join(', ')}`, { option: '--partition' });
    return usable;
  }

  async list(): Promise<PartitionView[]> {
    const capacities = new Map<string, PartitionCapacity[]>();
    await Promise.all(
      this.backends.all().map(async (b) => {
        // One engine not answering must not hide the others' partitions: its capacities are left out.
        capacities.set(b.name, (await b.describe().catch(logFailure(this.log, 'engine did not describe its partitions', { engine: b.name }))) ?? []);
      }),
    );
    return this.config.partitions.map((p) => {
      const caps = capacities.get(p.engine) ?? [];
      const capacity = caps.find((c) => c.name === p.enginePartition) ?? (caps.length === 1 ? caps[0] : null);
      return { ...p, engineKind: this.backends.get(p.engine).kind, capacity };
    });
  }
}
