import * as net from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { formatListenAddress } from '../config/listen-address';
import type { SshFrontConfig } from '../config/load-config';
import type { HealthTransition } from '../pool/member-health';
import { checkSshBanner } from './banner-check';
import { NodeLoadProbe } from './load-probe';
import { LoginNode } from './login-node';
import { connectToNode } from './node-connection';
import { NodeChooser } from './node-choice';
import { SshMetrics } from './ssh-metrics';
import type { SshNodeStatus, SshStatus } from './ssh-status';
import { splice } from './tcp-splice';

const iso = (t: number) => new Date(t).toISOString();

/**
 * The SSH front: a TCP listener that hands each client connection to the login node the policy
 * chooses, trying the next best node when the chosen one fails to connect, and pipes bytes both
 * ways (SSH is not terminated, so agent and port forwarding, X11, SFTP and scp all work). Health
 * checks (banner) and load probes (ssh2) run on their own timers.
 */
export class SshFront {
  readonly nodes: LoginNode[];
  private readonly chooser: NodeChooser;
  private readonly metrics: SshMetrics;
  private readonly server: net.Server;
  private readonly sessions = new Set<{ cut(reason: string): void }>();
  private readonly checking = new Set<LoginNode>();
  private readonly probing = new Set<LoginNode>();
  private readonly probes = new Map<LoginNode, NodeLoadProbe>();
  private timers: NodeJS.Timeout[] = [];
  private listenAddress = '';
  private stopped = false;

  constructor(
    private readonly config: SshFrontConfig,
    registry: Registry,
    private readonly log: Logger,
    private readonly shutdownGraceMs: number,
  ) {
    const now = Date.now();
    this.nodes = config.nodes.map((n) => new LoginNode(n, config.check, now));
    const load = config.probe ? { maxAgeMs: config.probe.maxAge, userLoad: config.probe.userLoad } : null;
    this.chooser = new NodeChooser(config.policy, load);
    this.metrics = new SshMetrics(registry, this.nodes, (n) => this.scoreOf(n));
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => void this.onConnection(socket));
    this.server.maxConnections = config.maxConnections;
  }

  async start(): Promise<net.AddressInfo> {
    const { host, port } = this.config.listen;
    const address = await new Promise<net.AddressInfo>((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(`cannot open the SSH listener (proxy.ssh.listen) on ${host || '*'}:${port}: ${err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message}`)),
      );
      this.server.listen({ host: host || undefined, port }, () => resolve(this.server.address() as net.AddressInfo));
    });
    this.listenAddress = formatListenAddress({ host: address.address, port: address.port });
    this.checkAll();
    this.timers.push(setInterval(() => this.checkAll(), this.config.check.interval));
    if (this.config.probe) {
      this.probeAll();
      this.timers.push(setInterval(() => this.probeAll(), this.config.probe.interval));
    }
    for (const t of this.timers) t.unref();
    return address;
  }

  /** Stops accepting; open sessions get `shutdownGrace` to end, then are cut. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const p of this.probes.values()) p.close();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const grace = setTimeout(() => {
      for (const s of this.sessions) s.cut('proxy shutting down');
    }, this.shutdownGraceMs);
    await closed;
    clearTimeout(grace);
  }

  /** Drain (no new connections, open ones stay) or undrain a node; null when there is no such node. */
  setDrained(name: string, drained: boolean): SshNodeStatus | null {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) return null;
    if (node.drained !== drained) {
      node.drained = drained;
      this.log.warn({ node: node.name, open: node.active }, drained ? 'ssh node drained: no new connections' : 'ssh node undrained: takes new connections');
    }
    return this.nodeStatus(node, Date.now());
  }

  status(): SshStatus {
    const now = Date.now();
    const c = this.config;
    return {
      listen: this.listenAddress,
      policy: c.policy,
      check: { intervalMs: c.check.interval, timeoutMs: c.check.timeout, rise: c.check.rise, fall: c.check.fall },
      probe: c.probe && { command: c.probe.command, intervalMs: c.probe.interval },
      connectionsOpen: this.sessions.size,
      nodes: this.nodes.map((n) => this.nodeStatus(n, now)),
    };
  }

  private async onConnection(client: net.Socket): Promise<void> {
    const accepted = performance.now();
    const peer = `${client.remoteAddress}:${client.remotePort}`;
    // Until a node has answered, the client's own banner waits in the kernel (pauseOnConnect).
    let clientGone: string | null = null;
    const onEarlyError = (err: NodeJS.ErrnoException) => (clientGone = err.code ?? err.message);
    client.on('error', onEarlyError);
    const failures: { node: string; error: string }[] = [];
    for (const node of this.chooser.order(this.nodes, Date.now())) {
      const c = await connectToNode(node.host, node.port, this.config.timeouts.connect);
      if (!c.ok) {
        failures.push({ node: node.name, error: c.detail });
        node.failedAttempts++;
        this.metrics.attemptFailed(node);
        this.onHealthChange(node, node.health.eject(c.detail, Date.now()));
        continue;
      }
      client.off('error', onEarlyError);
      if (clientGone || client.destroyed || this.stopped) {
        c.socket.destroy();
        client.destroy();
        this.log.info({ client: peer, node: node.name, reason: clientGone ?? (this.stopped ? 'proxy shutting down' : 'closed') }, 'ssh client dropped before its session started');
        return;
      }
      this.handOver(client, peer, node, c.socket, c.banner, accepted, failures);
      return;
    }
    client.off('error', onEarlyError);
    client.destroy();
    this.metrics.noNode();
    this.log.error({ client: peer, attempts: failures, available: this.nodes.filter((n) => n.available).length }, 'ssh connection refused: no login node could take it');
  }

  private handOver(client: net.Socket, peer: string, node: LoginNode, upstream: net.Socket, banner: Buffer, accepted: number, failures: { node: string; error: string }[]): void {
    const bannerMs = performance.now() - accepted;
    node.active++;
    node.total++;
    node.sentSinceProbe++;
    this.metrics.handedOver(node, bannerMs / 1000);
    client.write(banner);
    const session = splice(client, upstream, this.config.timeouts.idle, (end) => {
      node.active--;
      this.sessions.delete(session);
      const entry = { client: peer, node: node.name, ms: Math.round(performance.now() - accepted), bytesUp: end.bytesUp, bytesDown: end.bytesDown, cut: end.cut };
      if (end.cut) this.log.info(entry, 'ssh connection cut');
      else this.log.info(entry, 'ssh connection closed');
    });
    this.sessions.add(session);
    client.resume();
    upstream.resume();
    const entry = { client: peer, node: node.name, bannerMs: Math.round(bannerMs * 10) / 10, ...(failures.length ? { failedAttempts: failures } : {}) };
    if (failures.length) this.log.warn(entry, 'ssh connection opened after failed attempts');
    else this.log.info(entry, 'ssh connection opened');
  }

  private checkAll(): void {
    for (const node of this.nodes) {
      if (this.checking.has(node)) continue;
      this.checking.add(node);
      void checkSshBanner(node.host, node.port, this.config.check.timeout).then((result) => {
        this.checking.delete(node);
        if (this.stopped) return;
        this.onHealthChange(node, node.health.recordCheck(result, Date.now()));
      });
    }
  }

  private probeAll(): void {
    for (const node of this.nodes) if (node.health.healthy) this.probe(node);
  }

  private probe(node: LoginNode): void {
    const probe = this.config.probe;
    if (!probe || this.probing.has(node)) return;
    this.probing.add(node);
    let nodeProbe = this.probes.get(node);
    if (!nodeProbe) this.probes.set(node, (nodeProbe = new NodeLoadProbe(node.host, node.port, probe)));
    void nodeProbe.run().then((result) => {
      this.probing.delete(node);
      if (this.stopped) return;
      const failedBefore = node.lastProbe && !node.lastProbe.ok;
      node.recordProbe(Date.now(), result);
      if (!result.ok && !failedBefore) this.log.warn({ node: node.name, err: result.detail }, 'ssh load probe failed; keeping the last score for proxy.ssh.probe.maxAge');
      else if (result.ok && failedBefore) this.log.info({ node: node.name }, 'ssh load probe works again');
    });
  }

  private onHealthChange(node: LoginNode, transition: HealthTransition): void {
    if (!transition) return;
    const entry = { node: node.name, address: node.address, reason: node.health.reason, healthy: this.nodes.filter((n) => n.health.healthy).length, total: this.nodes.length };
    if (transition === 'down') {
      this.log.warn(entry, 'ssh node out of rotation');
      return;
    }
    this.log.info(entry, 'ssh node back in rotation');
    // Its load is stale after an outage: measure it now rather than at the next probe round.
    this.probe(node);
  }

  private scoreOf(node: LoginNode): number | null {
    const p = this.config.probe;
    return p ? node.score(Date.now(), p.maxAge, p.userLoad) : null;
  }

  private nodeStatus(n: LoginNode, now: number): SshNodeStatus {
    const h = n.health;
    const score = this.scoreOf(n);
    return {
      name: n.name,
      address: n.address,
      weight: n.weight,
      healthy: h.healthy,
      drained: n.drained,
      since: iso(h.since),
      reason: h.reason,
      lastCheck: h.lastCheck && {
        at: iso(h.lastCheck.at),
        ok: h.lastCheck.ok,
        latencyMs: h.lastCheck.latencyMs === null ? null : Math.round(h.lastCheck.latencyMs * 10) / 10,
        detail: h.lastCheck.detail,
      },
      checks: { ok: h.checksOk, failed: h.checksFailed },
      score: score === null ? null : Math.round(score * 1000) / 1000,
      load: n.load && now - n.load.at <= (this.config.probe?.maxAge ?? 0) ? { ...n.load.report, at: iso(n.load.at) } : null,
      lastProbe: n.lastProbe && { at: iso(n.lastProbe.at), ok: n.lastProbe.ok, detail: n.lastProbe.detail },
      connections: { open: n.active, total: n.total, failedAttempts: n.failedAttempts },
    };
  }
}
