import { Global, Module } from '@nestjs/common';
import { DatabaseIdentityRepository } from '../database/database-identity.repository';
import { DATABASE_ID, EngineRegistry } from './engine-registry';

@Global()
@Module({
  providers: [EngineRegistry, { provide: DATABASE_ID, inject: [DatabaseIdentityRepository], useFactory: (identity: DatabaseIdentityRepository) => identity.id() }],
  exports: [EngineRegistry],
})
export class EnginesModule {}
