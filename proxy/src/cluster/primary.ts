import cluster, { type Worker } from 'node:cluster';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { ProxyConfig } from '../config/load-config';
import { observabilityHandler } from '../observability/observability-server';
import type { ProxyStatus } from '../observability/status';
import { mergeStatuses } from './merge-status';
import { type PrimaryMessage, isWorkerMessage } from './messages';

const STATUS_TIMEOUT_MS = 2000;
/** A worker that dies this soon after starting, this often, means something is wrong with the site, not the worker. */
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;
const RESPAWN_DELAY_MS = 500;
/** Set in the environment of a worker started in place of a dead one. */
export const REPLACEMENT_WORKER_ENV = 'HPCG_PROXY_REPLACEMENT_WORKER';

/**
 * With proxy.http.workers > 1 this process only supervises: it forks the workers (each a replica
 * serving the public and API ports, which cluster shares, with routes shared through Redis), starts
 * a new one when one dies, serves the metrics listener for all of them, and on SIGTERM lets them
 * drain before it exits.
 */
export class Primary {
  private readonly aggregator = new AggregatorRegistry();
  private metricsServer: http.Server | null = null;
  private stopping = false;
  private readonly crashes: number[] = [];
  private nextRequestId = 1;
  private readonly pendingStatus = new Map<number, { replies: ProxyStatus[]; expected: number; done: (s: ProxyStatus[]) => void }>();

  constructor(
    private readonly config: ProxyConfig,
    private readonly log: Logger,
  ) {}

  /** Resolves once every worker is serving; rejects when one cannot start. */
  async start(): Promise<{ listen: string; api: string; metrics: AddressInfo | null }> {
    cluster.on('message', (_worker, message) => this.onMessage(message));
    const first = await Promise.all(Array.from({ length: this.config.workers }, () => this.fork()));
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    let metrics: AddressInfo | null = null;
    if (this.config.metrics) {
      this.metricsServer = http.createServer(
        { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 10_000 },
        observabilityHandler({
          metrics: async () => ({ contentType: this.aggregator.contentType, text: await this.aggregator.clusterMetrics() }),
          status: () => this.status(),
        }),
      );
      this.metricsServer.maxConnections = 256;
      const { host, port } = this.config.metrics;
      metrics = await new Promise<AddressInfo>((resolve, reject) => {
        this.metricsServer!.once('error', (err: NodeJS.ErrnoException) =>
          reject(new Error(`cannot open the metrics listener (proxy.http.metrics / --metrics-ip --metrics-port) on ${host || '*'}:${port}: ${err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message}`)),
        );
        this.metricsServer!.listen({ host: host || undefined, port }, () => resolve(this.metricsServer!.address() as AddressInfo));
      });
    }
    return { ...first[0], metrics };
  }

  /** Every worker's status, combined. */
  status(): Promise<ProxyStatus> {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const finish = (replies: ProxyStatus[]) => {
        clearTimeout(timer);
        this.pendingStatus.delete(requestId);
        if (replies.length === 0) reject(new Error('no worker answered'));
        else resolve(mergeStatuses(replies));
      };
      const timer = setTimeout(() => finish(this.pendingStatus.get(requestId)?.replies ?? []), STATUS_TIMEOUT_MS);
      this.pendingStatus.set(requestId, { replies: [], expected: workers.length, done: finish });
      const ask: PrimaryMessage = { type: 'hpcg:status?', requestId };
      for (const w of workers) w.send(ask);
      if (workers.length === 0) finish([]);
    });
  }

  /** SIGTERM to every worker (each drains gracefully), SIGKILL for any still running after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const deadline = this.config.timeouts.shutdownGraceMs + 5000;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const killer = setTimeout(() => w.process.kill('SIGKILL'), deadline);
            w.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    if (this.metricsServer) await new Promise<void>((resolve) => this.metricsServer!.close(() => resolve()));
  }

  /** `replacement`: the worker takes a dead one's place (it must not reset "/" to --default-target). */
  private fork(replacement = false): Promise<{ listen: string; api: string }> {
    return new Promise((resolve, reject) => {
      const worker = cluster.fork(replacement ? { [REPLACEMENT_WORKER_ENV]: '1' } : {});
      const onMessage = (message: unknown) => {
        if (isWorkerMessage(message) && message.type === 'hpcg:ready') {
          worker.off('message', onMessage);
          worker.off('exit', onEarlyExit);
          this.log.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker serving');
          resolve({ listen: message.listen, api: message.api });
        }
      };
      const onEarlyExit = (code: number | null, signal: string | null) => reject(new Error(`worker ${worker.id} exited (${signal ?? code}) before serving; its log says why`));
      worker.on('message', onMessage);
      worker.once('exit', onEarlyExit);
    });
  }

  private onMessage(message: unknown): void {
    if (!isWorkerMessage(message) || message.type !== 'hpcg:status') return;
    const pending = this.pendingStatus.get(message.requestId);
    if (!pending) return;
    pending.replies.push(message.status);
    if (pending.replies.length >= pending.expected) pending.done(pending.replies);
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    if (this.stopping) return;
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > CRASH_WINDOW_MS) this.crashes.shift();
    this.log.error({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'worker died; starting a new one');
    if (this.crashes.length > MAX_CRASHES) {
      this.log.fatal({ crashes: this.crashes.length, windowMs: CRASH_WINDOW_MS }, 'workers keep dying; stopping');
      void this.stop().then(() => process.exit(1));
      return;
    }
    setTimeout(() => {
      if (this.stopping) return;
      this.fork(true).catch((err: Error) => this.log.error({ err: err.message }, 'replacement worker failed to start'));
    }, RESPAWN_DELAY_MS);
  }
}
