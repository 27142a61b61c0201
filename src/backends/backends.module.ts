import { Global, Module } from '@nestjs/common';
import { BackendRegistry } from './backend-registry';

@Global()
@Module({ providers: [BackendRegistry], exports: [BackendRegistry] })
export class BackendsModule {}
