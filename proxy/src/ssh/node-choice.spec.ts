import { LoginNode } from './login-node';
import { NodeChooser } from './node-choice';

const thresholds = { rise: 2, fall: 2 };
function node(name: string, over: { weight?: number; load1?: number; active?: number; drained?: boolean; down?: boolean; loadAt?: number } = {}): LoginNode {
  const n = new LoginNode({ name, host: '127.0.0.1', port: 22, weight: over.weight ?? 1 }, thresholds, 0);
  if (over.load1 !== undefined) n.recordProbe(over.loadAt ?? 1000, { ok: true, report: { load1: over.load1, cpus: 4, users: 0 } });
  n.active = over.active ?? 0;
  n.drained = over.drained ?? false;
  if (over.down) n.health.eject('connection refused', 0);
  return n;
}
const names = (nodes: LoginNode[]) => nodes.map((n) => n.name);
const load = { maxAgeMs: 60_000, userLoad: 0.1 };

describe('NodeChooser', () => {
  it('least-loaded: lowest score per weight first, then the rest as fallbacks', () => {
    const chooser = new NodeChooser('least-loaded', load);
    const nodes = [node('a', { load1: 4 }), node('b', { load1: 1 }), node('c', { load1: 2 })];
    expect(names(chooser.order(nodes, 2000))).toEqual(['b', 'c', 'a']);
    // Weight 4 makes a's load of 4 count as 1 per unit: tied with b, and b has more open connections.
    nodes[0] = node('a', { load1: 4, weight: 4 });
    nodes[1].active = 2;
    expect(names(chooser.order(nodes, 2000))).toEqual(['a', 'b', 'c']);
  });

  it('least-loaded: connections sent since the last probe count, so logins between probes spread', () => {
    const chooser = new NodeChooser('least-loaded', load);
    const a = node('a', { load1: 0 });
    const b = node('b', { load1: 0.2 });
    expect(chooser.order([a, b], 2000)[0]).toBe(a);
    a.sentSinceProbe = 3; // (0 + 0.1 × 3) / 4 > 0.2 / 4
    expect(chooser.order([a, b], 2000)[0]).toBe(b);
  });

  it('least-loaded: nodes without a fresh score come after scored ones, ordered by connections', () => {
    const chooser = new NodeChooser('least-loaded', load);
    const stale = node('stale', { load1: 0, loadAt: 0 });
    const none = node('none', { active: 1 });
    const busy = node('busy', { load1: 12, loadAt: 40_000 });
    const idle = node('idle', { active: 0 });
    expect(names(chooser.order([stale, none, busy, idle], 65_000))).toEqual(['busy', 'stale', 'idle', 'none']);
  });

  it('least-connections: fewest open connections per weight', () => {
    const chooser = new NodeChooser('least-connections', null);
    const nodes = [node('a', { active: 3 }), node('b', { active: 1 }), node('c', { active: 4, weight: 2 })];
    // c has 4 open but weight 2: 2 per unit.
    expect(names(chooser.order(nodes, 0))).toEqual(['b', 'c', 'a']);
  });

  it('round-robin: smooth weighted rotation', () => {
    const chooser = new NodeChooser('round-robin', null);
    const nodes = [node('a', { weight: 2 }), node('b'), node('c')];
    const firsts = Array.from({ length: 8 }, () => chooser.order(nodes, 0)[0].name);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'a', 'b', 'c', 'a']);
  });

  it('leaves out drained and unhealthy nodes; an empty list means no node can take the connection', () => {
    for (const policy of ['least-loaded', 'least-connections', 'round-robin'] as const) {
      const chooser = new NodeChooser(policy, load);
      expect(names(chooser.order([node('a', { drained: true }), node('b', { down: true }), node('c', { load1: 1 })], 2000))).toEqual(['c']);
      expect(chooser.order([node('a', { drained: true }), node('b', { down: true })], 2000)).toEqual([]);
    }
  });
});
