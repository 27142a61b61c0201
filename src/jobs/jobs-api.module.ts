import { Module } from '@nestjs/common';
import { JobsModule } from './jobs.module';
import { JobsResolver, SubmitResultResolver } from './jobs.resolver';

/** The API's side: the GraphQL fields (the worker never loads GraphQL). */
@Module({ imports: [JobsModule], providers: [JobsResolver, SubmitResultResolver] })
export class JobsApiModule {}
