import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from '../pool/pool';
import type { RouteTable } from '../routing/route-table';

type CounterChild = { inc(): void };
type HistogramChild = { observe(value: number): void };

/**
 * The proxy's Prometheus metrics. Label children are cached, so counting a request is two Map
 * lookups; pool and route gauges are computed when scraped, costing the hot path nothing.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'status'>;
  private readonly upstreamSeconds: Histogram<'route'>;
  private readonly websocketsTotal: Counter<'route'>;
  private readonly apiRequests: Counter<'method' | 'status'>;
  private readonly requestChildren = new Map<string, Map<number, CounterChild>>();
  private readonly latencyChildren = new Map<string, HistogramChild>();
  /** Websockets currently open; maintained by the websocket proxy. */
  openWebsockets = 0;

  constructor(pools: Map<string, Pool>, table: RouteTable) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hpcg_proxy_' });
    this.requests = new Counter({
      name: 'hpcg_proxy_requests_total',
      help: 'HTTP requests answered on the public port, by route and status (404 = no route, 5xx from the proxy included)',
      labelNames: ['route', 'status'],
      registers: [this.registry],
    });
    this.upstreamSeconds = new Histogram({
      name: 'hpcg_proxy_upstream_response_seconds',
      help: 'Time from sending a request upstream to its response headers, by route',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.websocketsTotal = new Counter({
      name: 'hpcg_proxy_websockets_total',
      help: 'Websocket upgrades proxied, by route',
      labelNames: ['route'],
      registers: [this.registry],
    });
    this.apiRequests = new Counter({
      name: 'hpcg_proxy_api_requests_total',
      help: 'Route API requests, by method and status',
      labelNames: ['method', 'status'],
      registers: [this.registry],
    });
    const self = this;
    new Gauge({
      name: 'hpcg_proxy_websockets_open',
      help: 'Websockets currently proxied',
      registers: [this.registry],
      collect() {
        this.set(self.openWebsockets);
      },
    });
    // With workers, the metrics listener sums each worker's registry; these say how gauges combine instead.
    new Gauge({
      name: 'hpcg_proxy_routes',
      aggregator: 'max',
      help: 'Routes in the table, by source (config file or API)',
      labelNames: ['source'],
      registers: [this.registry],
      collect() {
        const all = table.visibleRoutes();
        const api = all.filter((r) => r.source === 'api').length;
        this.set({ source: 'api' }, api);
        this.set({ source: 'config' }, all.length - api);
      },
    });
    new Gauge({
      name: 'hpcg_proxy_pool_member_up',
      aggregator: 'min',
      help: 'Whether a pool member is in rotation (1) or not (0; with workers: in any of them)',
      labelNames: ['pool', 'member'],
      registers: [this.registry],
      collect() {
        for (const pool of pools.values()) {
          for (const m of pool.members) this.set({ pool: pool.name, member: m.upstream.url }, m.health.healthy ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'hpcg_proxy_pool_member_check_seconds',
      aggregator: 'max',
      help: 'Latency of the last successful health check of a pool member',
      labelNames: ['pool', 'member'],
      registers: [this.registry],
      collect() {
        for (const pool of pools.values()) {
          for (const m of pool.members) {
            const latency = m.health.lastCheck?.latencyMs;
            if (latency !== null && latency !== undefined) this.set({ pool: pool.name, member: m.upstream.url }, latency / 1000);
          }
        }
      },
    });
    new Gauge({
      name: 'hpcg_proxy_pool_healthy_members',
      aggregator: 'min',
      help: 'Members of a pool in rotation',
      labelNames: ['pool'],
      registers: [this.registry],
      collect() {
        for (const pool of pools.values()) this.set({ pool: pool.name }, pool.healthyCount);
      },
    });
  }

  countRequest(route: string, status: number): void {
    let byStatus = this.requestChildren.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.requestChildren.set(route, byStatus);
    }
    let child = byStatus.get(status);
    if (!child) {
      child = this.requests.labels(route, String(status));
      byStatus.set(status, child);
    }
    child.inc();
  }

  observeUpstream(route: string, seconds: number): void {
    let child = this.latencyChildren.get(route);
    if (!child) {
      child = this.upstreamSeconds.labels(route);
      this.latencyChildren.set(route, child);
    }
    child.observe(seconds);
  }

  countWebsocket(route: string): void {
    this.websocketsTotal.labels(route).inc();
  }

  countApiRequest(method: string, status: number): void {
    this.apiRequests.labels(method, String(status)).inc();
  }
}
