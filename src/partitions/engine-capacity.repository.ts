import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import type { PartitionCapacity } from '../engines/engine';
import { PrismaService } from '../database/prisma.service';

export interface StoredCapacity {
  engine: string;
  partitions: PartitionCapacity[];
  observedAt: Date;
}

/** The engines' partition capacity as the worker last saw it (DESIGN.md §6 rule 5: reads never call an engine). */
@Injectable()
export class EngineCapacityRepository {
  constructor(private readonly prisma: PrismaService) {}

  async store(engine: string, partitions: PartitionCapacity[], observedAt: Date): Promise<void> {
    const data = { partitions: partitions as unknown as Prisma.InputJsonValue, observedAt };
    await this.prisma.engineCapacity.upsert({ where: { engine }, create: { engine, ...data }, update: data });
  }

  async all(): Promise<StoredCapacity[]> {
    const rows = await this.prisma.engineCapacity.findMany();
    return rows.map((r) => ({ engine: r.engine, partitions: r.partitions as unknown as PartitionCapacity[], observedAt: r.observedAt }));
  }
}
