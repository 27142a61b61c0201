import { Global, Module } from '@nestjs/common';
import { EngineRegistry } from './engine-registry';

@Global()
@Module({ providers: [EngineRegistry], exports: [EngineRegistry] })
export class EnginesModule {}
