import type { SshPolicy } from '../config/ssh-schema';
import type { LoginNode } from './login-node';

export interface LoadSettings {
  maxAgeMs: number;
  userLoad: number;
}

/**
 * The order in which a new connection tries the nodes that take connections (healthy, not
 * drained): the first is the policy's choice, the rest are the fallbacks when it fails to connect.
 * - least-loaded: lowest load score per unit of weight; nodes without a fresh score come after
 *   those with one; ties go to fewer open connections per weight.
 * - least-connections: fewest open connections per unit of weight; ties go to the lowest load.
 * - round-robin: smooth weighted round robin (nginx's), so weights interleave instead of bursting.
 */
export class NodeChooser {
  private readonly rrCurrent = new Map<LoginNode, number>();

  constructor(
    private readonly policy: SshPolicy,
    private readonly load: LoadSettings | null,
  ) {}

  order(nodes: readonly LoginNode[], now: number): LoginNode[] {
    const candidates = nodes.filter((n) => n.available);
    if (candidates.length <= 1) return candidates;
    if (this.policy === 'round-robin') return this.roundRobin(candidates);
    const score = (n: LoginNode) => (this.load ? n.score(now, this.load.maxAgeMs, this.load.userLoad) : null);
    const keyed = candidates.map((n, index) => {
      const s = score(n);
      return { n, index, load: s === null ? Infinity : s / n.weight, conns: n.active / n.weight };
    });
    keyed.sort(
      this.policy === 'least-loaded'
        ? (a, b) => a.load - b.load || a.conns - b.conns || a.index - b.index
        : (a, b) => a.conns - b.conns || a.load - b.load || a.index - b.index,
    );
    return keyed.map((k) => k.n);
  }

  private roundRobin(candidates: LoginNode[]): LoginNode[] {
    let total = 0;
    for (const n of candidates) {
      this.rrCurrent.set(n, (this.rrCurrent.get(n) ?? 0) + n.weight);
      total += n.weight;
    }
    const byCurrent = [...candidates].sort((a, b) => this.rrCurrent.get(b)! - this.rrCurrent.get(a)!);
    const chosen = byCurrent[0];
    this.rrCurrent.set(chosen, this.rrCurrent.get(chosen)! - total);
    return byCurrent;
  }
}
