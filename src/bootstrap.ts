import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import cluster from 'node:cluster';
import { TextDecoder } from 'node:util';
import { superviseApi } from './api-cluster';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/load-config';
import { MigrationsPendingError, assertMigrated } from './database/migrator';
import { bodyTooLargeHandler } from './graphql/body-limit';

export type Role = 'api' | 'worker';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Builds and starts one process of the gateway on a migrated database; returns the app so tests can close it. */
export async function startApp(role: Role, config: AppConfig = loadConfig()): Promise<NestExpressApplication> {
  await assertMigrated(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(role === 'api' ? AppModule.api(config) : AppModule.worker(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // HPCG_GRAPHQL_MAX_BODY_BYTES (room for an inline script); a larger body is a 413 saying so.
  // Invalid UTF-8 is refused here, where the bytes still exist (once decoded it would silently become U+FFFD).
  app.useBodyParser('json', {
    limit: config.graphql.maxBodyBytes,
    verify: (_req: unknown, _res: unknown, buf: Buffer) => {
      try {
        utf8.decode(buf);
      } catch {
        throw Object.assign(new Error('request body is not valid UTF-8'), { status: 400, expose: true });
      }
    },
  });
  app.use(bodyTooLargeHandler(config.graphql.maxBodyBytes));
  app.useGlobalPipes(new ValidationPipe({ transform: true, forbidUnknownValues: false }));
  app.enableShutdownHooks();
  const port = role === 'api' ? config.port : config.workerPort;
  await app.listen(port, config.host);
  // Longer than any client's or proxy's idle timeout, so a reused keep-alive connection is never
  // closed by us just as a request is sent on it.
  app.getHttpServer().keepAliveTimeout = 65_000;
  app.getHttpServer().headersTimeout = 66_000;
  const address = app.getHttpServer().address() as { port: number };
  PinoLogger.root.info({ role, port: address.port, host: config.host, pid: process.pid }, 'listening');
  return app;
}

/** Entry point helper: start (or supervise API replicas), or print the configuration error and exit 2. */
export function main(role: Role): void {
  const run = async () => {
    const config = loadConfig();
    if (role === 'api' && config.apiProcesses > 1 && cluster.isPrimary) await superviseApi(config);
    else await startApp(role, config);
  };
  run().catch((e: Error) => {
    // What an operator must fix is said without a stack trace, and a restart loop cannot fix it (exit 2).
    const operatorsFix = e instanceof ConfigError || e instanceof MigrationsPendingError;
    process.stderr.write(`hpcg ${role}: ${operatorsFix ? e.message : (e.stack ?? e.message)}\n`);
    process.exit(operatorsFix ? 2 : 1);
  });
}
