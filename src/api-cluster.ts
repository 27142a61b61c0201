import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { AppConfig } from './config/load-config';
import { assertMigrated } from './database/migrator';

/** Exit code of a replica that found the configuration invalid: restarting it cannot help. */
const CONFIG_ERROR_EXIT = 2;
/** More unexpected exits than this within the window means something is wrong with the host, not one replica. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 30_000;

/**
 * HPCG_API_PROCESSES > 1: this process supervises that many API replicas sharing one port (Node's
 * cluster module hands connections to them in turn). One process runs one event loop, i.e. one core;
 * replicas are independent, like replicas on several hosts, so nothing else changes. The database
 * is checked here once, before the replicas start. A replica that dies is replaced; SIGTERM stops them all
 * gracefully.
 */
export async function superviseApi(config: AppConfig): Promise<void> {
  const log = pino({ level: config.logLevel, base: { role: 'api-supervisor', pid: process.pid } });
  await assertMigrated(config.databaseUrl);

  let stopping = false;
  const crashes: number[] = [];
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < config.apiProcesses; i++) fork();
  log.info({ processes: config.apiProcesses }, 'starting API replicas');

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (code === CONFIG_ERROR_EXIT) {
      log.fatal({ replica: worker.process.pid, code }, 'API replica refused the configuration; stopping');
      stopAll();
      process.exitCode = CONFIG_ERROR_EXIT;
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > CRASH_LIMIT) {
      log.fatal({ crashes: crashes.length, windowMs: CRASH_WINDOW_MS }, 'API replicas keep dying; stopping');
      stopAll();
      process.exitCode = 1;
      return;
    }
    log.error({ replica: worker.process.pid, code, signal }, 'API replica exited; starting a replacement');
    fork();
  });

  function stopAll(): void {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(process.exitCode ?? 0);
    for (const w of workers) w?.process.kill('SIGTERM');
  }
  process.on('SIGTERM', stopAll);
  process.on('SIGINT', stopAll);
}
