import { Module } from '@nestjs/common';
import { AuthApiModule } from './auth/auth-api.module';
import { GraphqlApiModule } from './graphql/graphql-api.module';
import { JobsApiModule } from './jobs/jobs-api.module';
import { NotebooksApiModule } from './notebooks/notebooks-api.module';
import { PartitionsApiModule } from './partitions/partitions-api.module';
import { UsersApiModule } from './users/users-api.module';

/** What only the API serves: GraphQL with every resolver, sign-in, the notebook launcher's routes. */
@Module({ imports: [GraphqlApiModule, AuthApiModule, UsersApiModule, PartitionsApiModule, JobsApiModule, NotebooksApiModule] })
export class ApiModule {}
