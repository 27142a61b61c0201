import type { PoolConfig } from '../config/load-config';
import type { HealthCheckSettings } from '../config/schema';
import type { Upstream, UpstreamRegistry } from '../http/upstream';
import { HealthTransition, MemberHealth } from './member-health';
import { probe } from './health-probe';
import { RoundRobin } from './round-robin';

export interface PoolMember {
  readonly pool: Pool;
  readonly upstream: Upstream;
  readonly health: MemberHealth;
  /** Requests and websockets sent to this member. */
  requests: number;
}

export type MemberChangeListener = (member: PoolMember, transition: Exclude<HealthTransition, null>) => void;

/** A named group of interchangeable upstreams (the gateway's replicas), balanced and health-checked. */
export class Pool {
  readonly members: PoolMember[];
  private readonly balancer: RoundRobin<PoolMember>;
  private timer: NodeJS.Timeout | null = null;
  private readonly probing = new Set<PoolMember>();
  private readonly listeners: MemberChangeListener[] = [];

  constructor(
    readonly name: string,
    readonly check: HealthCheckSettings,
    upstreams: Upstream[],
  ) {
    const now = Date.now();
    this.members = upstreams.map((upstream) => ({ pool: this, upstream, health: new MemberHealth(check, now), requests: 0 }));
    this.balancer = new RoundRobin(this.members);
  }

  /** The next healthy member, never `exclude`; null when none is in rotation. */
  pick(exclude: PoolMember | null = null): PoolMember | null {
    const m = this.balancer.pick(exclude);
    if (m) m.requests++;
    return m;
  }

  get healthyCount(): number {
    let n = 0;
    for (const m of this.members) if (m.health.healthy) n++;
    return n;
  }

  onChange(listener: MemberChangeListener): void {
    this.listeners.push(listener);
  }

  /** Passive ejection after a failed connection. */
  eject(member: PoolMember, detail: string): void {
    this.emit(member, member.health.eject(detail, Date.now()));
  }

  /** Checks every member now, then every `interval`. */
  start(): void {
    if (this.timer) return;
    this.checkAll();
    this.timer = setInterval(() => this.checkAll(), this.check.interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private checkAll(): void {
    for (const member of this.members) {
      if (this.probing.has(member)) continue;
      this.probing.add(member);
      void probe(member.upstream, this.check.path, this.check.timeout).then((result) => {
        this.probing.delete(member);
        if (!this.timer) return; // stopped while the probe was in flight
        this.emit(member, member.health.recordCheck(result, Date.now()));
      });
    }
  }

  private emit(member: PoolMember, transition: HealthTransition): void {
    if (!transition) return;
    for (const l of this.listeners) l(member, transition);
  }
}

/** Every configured pool, built once at start-up. */
export function createPools(configs: PoolConfig[], upstreams: UpstreamRegistry): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  for (const c of configs) {
    pools.set(c.name, new Pool(c.name, c.check, c.members.map((m) => upstreams.acquire(new URL(m)))));
  }
  return pools;
}
