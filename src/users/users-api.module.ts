import { Module } from '@nestjs/common';
import { UsersModule } from './users.module';
import { UsersResolver } from './users.resolver';

/** The API's side: the GraphQL fields (the worker never loads GraphQL). */
@Module({ imports: [UsersModule], providers: [UsersResolver] })
export class UsersApiModule {}
