import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';

/**
 * Structured logs (pino), one line per event, with a request id; tokens never reach a log line.
 * Built when the application module is assembled, after every class using @InjectPinoLogger has
 * been loaded: nestjs-pino creates those loggers' providers at forRoot time.
 */
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return { module: LoggingModule, imports: [loggerModule()] };
  }
}

function loggerModule() {
  return LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (req: IncomingMessage) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID()),
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password'], censor: '[redacted]' },
          // Health and metrics scrapes would drown the log.
          autoLogging: { ignore: (req: IncomingMessage) => /^\/(healthz|readyz|metrics)/.test(req.url ?? '') },
          base: { service: 'hpcg' },
          // One short line per request: what was asked, how it ended, how long it took.
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
  });
}
