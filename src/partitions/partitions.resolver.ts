import { Query, Resolver } from '@nestjs/graphql';
import { RequireScope } from '../auth/authorization/access.decorator';
import { Scope } from '../auth/authorization/scopes';
import { PartitionModel } from './models/partition.model';
import { PartitionsService } from './partitions.service';

@Resolver(() => PartitionModel)
export class PartitionsResolver {
  constructor(private readonly service: PartitionsService) {}

  @RequireScope(Scope.JobsRead)
  @Query(() => [PartitionModel], { description: 'Partitions of this site, with the capacity their engines last reported to the worker (never asked on this request).' })
  async partitions(): Promise<PartitionModel[]> {
    const now = new Date();
    return (await this.service.list(now)).map((p) => ({
      name: p.name,
      cluster: p.cluster,
      engine: p.engine,
      engineKind: p.engineKind,
      default: p.default,
      // Never reported, or not lately: the gateway does not know (Slurm's "unk"), which is not "down".
      state: p.stale || !p.capacity ? 'unknown' : p.capacity.state,
      maxTimeMinutes: p.maxTimeMinutes,
      nodes: p.capacity?.nodes ?? 0,
      cpus: p.capacity?.cpus ?? 0,
      memoryMB: p.capacity?.memoryMB ?? null,
      gpus: p.capacity?.gpus ?? 0,
      nodeList: p.capacity?.nodeNames.join(',') ?? '',
      allowGroups: p.allowGroups,
      capacityObservedAt: p.observedAt,
      capacityAgeSeconds: p.observedAt ? Math.max(0, Math.round((now.getTime() - p.observedAt.getTime()) / 1000)) : null,
    }));
  }
}
