import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './load-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Provides the one AppConfig; entry points may pass a prebuilt one (tests build theirs). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()) {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
