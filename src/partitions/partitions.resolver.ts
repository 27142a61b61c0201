import { Query, Resolver } from '@nestjs/graphql';
import { RequireScope } from '../auth/authorization/access.decorator';
import { Scope } from '../auth/authorization/scopes';
import { PartitionModel } from './models/partition.model';
import { PartitionsService } from './partitions.service';

@Resolver(() => PartitionModel)
export class PartitionsResolver {
  constructor(private readonly service: PartitionsService) {}

  @RequireScope(Scope.JobsRead)
  @Query(() => [PartitionModel], { description: 'Partitions of this site, with the capacity their engines report.' })
  async partitions(): Promise<PartitionModel[]> {
    return (await this.service.list()).map((p) => ({
      name: p.name,
      engine: p.engine,
      engineKind: p.engineKind,
      default: p.default,
      state: p.capacity?.state ?? 'down',
      maxTimeMinutes: p.maxTimeMinutes,
      nodes: p.capacity?.nodes ?? 0,
      cpus: p.capacity?.cpus ?? 0,
      memoryMB: p.capacity?.memoryMB ?? null,
      gpus: p.capacity?.gpus ?? 0,
      nodeList: p.capacity?.nodeNames.join(',') ?? '',
      allowGroups: p.allowGroups,
    }));
  }
}
