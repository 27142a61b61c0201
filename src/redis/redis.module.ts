import { Global, Module } from '@nestjs/common';
import { RedisClients } from './redis-clients';

/** The one place Redis clients are built (see RedisClients); global, like the config it reads. */
@Global()
@Module({ providers: [RedisClients], exports: [RedisClients] })
export class RedisModule {}
