import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedPartition } from '../config/load-config';
import { badInput, forbidden } from '../common/domain-error';
import { EngineRegistry } from '../engines/engine-registry';
import type { PartitionCapacity } from '../engines/engine';
import { EngineCapacityRepository } from './engine-capacity.repository';

export interface PartitionView extends ResolvedPartition {
  engineKind: string;
  /** The site's cluster name (SLURM_CLUSTER_NAME in every job): what Slurm's commands call ClusterName. */
  cluster: string;
  /** What the engine last reported, as the worker stored it; null when it never has. */
  capacity: PartitionCapacity | null;
  /** When the engine reported it. */
  observedAt: Date | null;
  /** The report is older than a few refresh intervals: the engine has not answered the worker lately. */
  stale: boolean;
}

/** Refresh intervals a stored capacity may miss before it is shown as unknown. */
const STALE_AFTER_INTERVALS = 3;

function canUse(p: ResolvedPartition, groups: string[], admin: boolean): boolean {
  return admin || p.allowGroups.length === 0 || p.allowGroups.some((g) => groups.includes(g));
}

@Injectable()
export class PartitionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engines: EngineRegistry,
    private readonly capacities: EngineCapacityRepository,
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

  /**
   * The site file's partitions with the capacity the worker last stored for their engines: a read
   * never calls an engine (DESIGN.md §6 rule 5), so a flood of sinfo/squeue -l costs no sinfo on the cluster.
   */
  async list(now = new Date()): Promise<PartitionView[]> {
    const stored = new Map((await this.capacities.all()).map((c) => [c.engine, c]));
    const staleAfterMs = STALE_AFTER_INTERVALS * this.config.capacityIntervalMs;
    return this.config.partitions.map((p) => {
      const seen = stored.get(p.engine);
      const caps = seen?.partitions ?? [];
      const capacity = caps.find((c) => c.name === p.enginePartition) ?? (caps.length === 1 ? caps[0] : null);
      const stale = !seen || now.getTime() - seen.observedAt.getTime() > staleAfterMs;
      return { ...p, engineKind: this.engines.get(p.engine).kind, cluster: this.config.cluster, capacity, observedAt: seen?.observedAt ?? null, stale };
    });
  }
}
