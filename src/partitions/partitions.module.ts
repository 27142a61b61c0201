import { Module } from '@nestjs/common';
import { PartitionsService } from './partitions.service';
import { EngineCapacityRepository } from './engine-capacity.repository';
import { EngineCapacityRefresher } from './engine-capacity-refresher.service';

/** The refresher runs in the worker only (it calls engines); the API reads what it stored. */
@Module({ providers: [PartitionsService, EngineCapacityRepository], exports: [PartitionsService, EngineCapacityRepository] })
export class PartitionsModule {}

@Module({ imports: [PartitionsModule], providers: [EngineCapacityRefresher] })
export class EngineCapacityWorkerModule {}
