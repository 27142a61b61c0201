import { Module } from '@nestjs/common';
import { PartitionsResolver } from './partitions.resolver';
import { PartitionsService } from './partitions.service';

@Module({ providers: [PartitionsService, PartitionsResolver], exports: [PartitionsService] })
export class PartitionsModule {}
