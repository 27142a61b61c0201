import cluster from 'node:cluster';
import { CommanderError } from 'commander';
import type { Logger } from 'pino';
import { Primary, REPLACEMENT_WORKER_ENV } from './cluster/primary';
import { linkToPrimary } from './cluster/worker-link';
import { parseCliFlags } from './config/cli-flags';
import { formatListenAddress } from './config/listen-address';
import { type ProxyConfig, ProxyConfigError, loadProxyConfig } from './config/load-config';
import { createLogger } from './logger';
import { ProxyServer } from './server';

/**
 * `hpcg-proxy [flags]`: reads the `proxy:` section of $HPCG_CONFIG (./hpcg.yaml), applies
 * configurable-http-proxy compatible flags and CONFIGPROXY_AUTH_TOKEN, and serves until SIGTERM/SIGINT,
 * then shuts down gracefully. Exit codes: 0 after a clean shutdown or --help, 1 on a runtime failure,
 * 2 on bad flags or configuration.
 */
export async function main(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let flags;
  try {
    flags = parseCliFlags(args);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed the help text or the error.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    throw e;
  }
  let config: ProxyConfig;
  try {
    config = loadProxyConfig(flags, env);
  } catch (e) {
    if (e instanceof ProxyConfigError) {
      process.stderr.write(`hpcg-proxy: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  process.on('uncaughtException', (err) => {
    log.fatal({ err: err.message, stack: err.stack }, 'uncaught exception; exiting');
    process.exit(1);
  });
  if (config.workers > 1 && cluster.isPrimary) await supervise(config, log);
  else await serve(config, cluster.isWorker ? log.child({ worker: cluster.worker?.id }) : log, env[REPLACEMENT_WORKER_ENV] !== '1');
}

/** One process doing everything, or one worker of several. */
async function serve(config: ProxyConfig, log: Logger, claimDefaultRoute: boolean): Promise<void> {
  const worker = cluster.isWorker;
  // Workers leave the metrics listener to the primary, which aggregates them.
  const server = new ProxyServer(worker ? { ...config, metrics: null } : config, log);
  let addresses;
  try {
    addresses = await server.start({ claimDefaultRoute });
  } catch (e) {
    log.fatal({ err: (e as Error).message }, 'hpcg-proxy could not start');
    await server.stop().catch(() => undefined);
    process.exit(1);
  }
  if (worker) linkToPrimary(server, addresses);
  else {
    log.info(
      {
        listen: formatListenAddress({ host: addresses.public.address, port: addresses.public.port }),
        api: formatListenAddress({ host: addresses.api.address, port: addresses.api.port }),
        metrics: addresses.metrics && formatListenAddress({ host: addresses.metrics.address, port: addresses.metrics.port }),
        ssh: addresses.ssh && formatListenAddress({ host: addresses.ssh.address, port: addresses.ssh.port }),
        sshNodes: config.ssh?.nodes.map((n) => n.name),
        store: server.store.status(),
        pools: [...server.pools.keys()],
        routes: config.routes.length + (config.defaultTarget ? 1 : 0),
        configFile: config.configFile,
      },
      'hpcg-proxy ready',
    );
  }
  onSignals(log, config, () => server.stop(), !worker);
}

async function supervise(config: ProxyConfig, log: Logger): Promise<void> {
  const primary = new Primary(config, log);
  let ready;
  try {
    ready = await primary.start();
  } catch (e) {
    log.fatal({ err: (e as Error).message }, 'hpcg-proxy could not start');
    await primary.stop().catch(() => undefined);
    process.exit(1);
  }
  log.info(
    {
      workers: config.workers,
      listen: ready.listen,
      api: ready.api,
      metrics: ready.metrics && formatListenAddress({ host: ready.metrics.address, port: ready.metrics.port }),
      store: { kind: config.store.kind },
      pools: config.pools.map((p) => p.name),
      routes: config.routes.length + (config.defaultTarget ? 1 : 0),
      configFile: config.configFile,
    },
    'hpcg-proxy ready',
  );
  onSignals(log, config, () => primary.stop(), true);
}

/**
 * SIGTERM/SIGINT stop gracefully. A second signal exits at once, except in workers: Ctrl-C reaches
 * them and the primary's SIGTERM follows, and the primary enforces the deadline anyway.
 */
function onSignals(log: Logger, config: ProxyConfig, stop: () => Promise<void>, secondSignalExits: boolean): void {
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) {
      if (!secondSignalExits) return;
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal, graceMs: config.timeouts.shutdownGraceMs }, 'shutting down: no new connections, finishing in-flight requests');
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
