import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LoginNode } from './login-node';

/** The SSH front's series, in the proxy's one registry (same /metrics endpoint). */
export class SshMetrics {
  private readonly connections: Counter<'node'>;
  private readonly failedAttempts: Counter<'node'>;
  private readonly turnedAway: Counter;
  private readonly bannerSeconds: Histogram;

  constructor(registry: Registry, nodes: readonly LoginNode[], score: (node: LoginNode) => number | null) {
    const registers = [registry];
    this.connections = new Counter({ name: 'hpcg_proxy_ssh_connections_total', help: 'SSH client connections handed to a login node', labelNames: ['node'], registers });
    this.failedAttempts = new Counter({
      name: 'hpcg_proxy_ssh_connect_failures_total',
      help: 'Connections to a login node that failed (refused, timed out, closed before the banner); the client was then tried on the next node',
      labelNames: ['node'],
      registers,
    });
    this.turnedAway = new Counter({ name: 'hpcg_proxy_ssh_connections_failed_total', help: 'SSH client connections closed because no login node could take them', registers });
    this.bannerSeconds = new Histogram({
      name: 'hpcg_proxy_ssh_banner_seconds',
      help: 'Time from accepting a client connection to the chosen node\'s SSH banner, retries included',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    for (const n of nodes) {
      this.connections.labels(n.name);
      this.failedAttempts.labels(n.name);
    }
    const perNode = (name: string, help: string, value: (n: LoginNode) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['node'],
        registers,
        collect() {
          this.reset();
          for (const n of nodes) {
            const v = value(n);
            if (v !== null) this.set({ node: n.name }, v);
          }
        },
      });
    perNode('hpcg_proxy_ssh_node_up', 'Whether a login node passes its health checks (1) or not (0)', (n) => (n.health.healthy ? 1 : 0));
    perNode('hpcg_proxy_ssh_node_drained', 'Whether a login node is drained: no new connections (1) or not (0)', (n) => (n.drained ? 1 : 0));
    perNode('hpcg_proxy_ssh_node_connections_open', 'SSH client connections open through a login node', (n) => n.active);
    perNode('hpcg_proxy_ssh_node_load_score', 'Load per CPU of a login node as the least-loaded policy sees it (absent when unknown)', score);
  }

  handedOver(node: LoginNode, bannerSeconds: number): void {
    this.connections.labels(node.name).inc();
    this.bannerSeconds.observe(bannerSeconds);
  }

  attemptFailed(node: LoginNode): void {
    this.failedAttempts.labels(node.name).inc();
  }

  noNode(): void {
    this.turnedAway.inc();
  }
}
