import { Module } from '@nestjs/common';
import { PartitionsModule } from './partitions.module';
import { PartitionsResolver } from './partitions.resolver';

/** The API's side: the GraphQL fields (the worker never loads GraphQL). */
@Module({ imports: [PartitionsModule], providers: [PartitionsResolver] })
export class PartitionsApiModule {}
