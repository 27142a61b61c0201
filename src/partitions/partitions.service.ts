import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedPartition } from '../config/load-config';
import { badInput, forbidden } from '../common/domain-error';
import { EngineRegistry } from '../engines/engine-registry';
import type { PartitionCapacity } from '../engines/engine';
import type { RouteRule } from '../config/routing-config.schema';
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

/** The partitions a job may run in, in order: the router chooses among the first `choose`, the rest are fallbacks. */
export interface PartitionRoute {
  partitions: ResolvedPartition[];
  choose: number;
  rule: RouteRule;
}

/** Refresh intervals a stored capacity may miss before it is shown as unknown. */
const STALE_AFTER_INTERVALS = 3;

function unique<T>(list: T[]): T[] {
  return list.filter((x, i) => list.indexOf(x) === i);
}

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

  /** The partition a job of one partition runs in (a notebook profile's): the first candidate of its route. */
  resolve(requested: string[], user: { groups: string[]; admin: boolean }): ResolvedPartition {
    return this.resolveRoute(requested, user).partitions[0];
  }

  /**
   * Where a job may run (issue 17): the default partition when none is named; else the named partitions and
   * groups expanded in order (a group's fallbacks last), keeping only those the user may use. The router
   * chooses among the first `choose` at dispatch; the rest are only moved to.
   */
  resolveRoute(requested: string[], user: { groups: string[]; admin: boolean }): PartitionRoute {
    const all = this.config.partitions;
    if (requested.length === 0) {
      const def = all.find((p) => p.default) as ResolvedPartition;
      if (!canUse(def, user.groups, user.admin)) throw forbidden(`you may not use the default partition "${def.name}"; name one with -p`, { option: '--partition' });
      return { partitions: [def], choose: 1, rule: 'earliest-start' };
    }
    const groups = this.config.routing.groups;
    const names = [...all.map((p) => p.name), ...groups.map((g) => g.name)];
    const unknown = requested.filter((name) => !names.includes(name));
    if (unknown.length) {
      throw badInput(`invalid partition specified: ${unknown.join(',')} (partitions: ${names.join(', ')})`, {
        option: '--partition',
        value: unknown.join(','),
        allowed: names,
      });
    }
    const chosen: string[] = [];
    const fallback: string[] = [];
    for (const name of requested) {
      const group = groups.find((g) => g.name === name);
      chosen.push(...(group ? group.partitions : [name]));
      fallback.push(...(group?.fallback ?? []));
    }
    const usable = (list: string[]) => list.map((name) => all.find((p) => p.name === name) as ResolvedPartition).filter((p) => canUse(p, user.groups, user.admin));
    const first = unique(usable(chosen));
    const rest = unique(usable(fallback)).filter((p) => !first.includes(p));
    if (first.length + rest.length === 0) {
      const named = all.find((p) => p.name === chosen[0]);
      throw forbidden(`you may not use partition ${requested.join(',')}: it is limited to the groups ${named?.allowGroups.join(', ')}`, { option: '--partition' });
    }
    // A single group named chooses by its own rule; a user's list, like Slurm's, by the earliest start.
    const group = requested.length === 1 ? groups.find((g) => g.name === requested[0]) : undefined;
    return { partitions: [...first, ...rest], choose: Math.max(1, first.length), rule: group?.choose ?? 'earliest-start' };
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
