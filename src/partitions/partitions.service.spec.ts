import type { AppConfig, ResolvedPartition } from '../config/load-config';
import type { EngineRegistry } from '../engines/engine-registry';
import type { EngineCapacityRepository, StoredCapacity } from './engine-capacity.repository';
import { PartitionsService } from './partitions.service';

const part = (name: string, engine: string): ResolvedPartition => ({ name, engine, enginePartition: name, default: name === 'a', maxTimeMinutes: 30, allowGroups: [] }) as unknown as ResolvedPartition;
const cap = (name: string) => ({ name, state: 'up' as const, nodes: 2, cpus: 8, memoryMB: 1000, gpus: 0, maxTimeMinutes: 60, nodeNames: ['n1', 'n2'] });

function service(stored: StoredCapacity[]) {
  const describe = jest.fn();
  const engines = { get: () => ({ kind: 'slurm', describe }), all: () => [{ name: 'e', describe }] } as unknown as EngineRegistry;
  const repo = { all: jest.fn(async () => stored) } as unknown as EngineCapacityRepository;
  const config = { cluster: 'physics', partitions: [part('a', 'e'), part('b', 'f')], capacityIntervalMs: 30_000 } as unknown as AppConfig;
  return { svc: new PartitionsService(config, engines, repo), describe };
}

describe('partitions from stored capacity', () => {
  const now = new Date('2026-12-02T10:00:00Z');

  it('reads the site file and the stored capacity, never the engine', async () => {
    const { svc, describe } = service([{ engine: 'e', partitions: [cap('a')], observedAt: new Date(now.getTime() - 10_000) }]);
    const [a, b] = await svc.list(now);
    expect(a).toMatchObject({ name: 'a', cluster: 'physics', maxTimeMinutes: 30, capacity: { nodes: 2, cpus: 8 }, stale: false });
    // An engine the worker never reported on is unknown, not down.
    expect(b).toMatchObject({ name: 'b', cluster: 'physics', capacity: null, observedAt: null, stale: true });
    expect(describe).not.toHaveBeenCalled();
  });

  it('marks a capacity older than three refresh intervals stale, keeping when it was seen', async () => {
    const observedAt = new Date(now.getTime() - 91_000);
    const { svc } = service([{ engine: 'e', partitions: [cap('a')], observedAt }]);
    const [a] = await svc.list(now);
    expect(a).toMatchObject({ stale: true, observedAt });
  });
});

describe('the partitions a job may run in (issue 17)', () => {
  const named = (name: string, engine: string, allowGroups: string[] = []) => ({ ...part(name, engine), allowGroups });
  const config = {
    partitions: [named('a', 'e'), named('b', 'f'), named('staff', 'f', ['staff']), named('c', 'g')],
    routing: { groups: [{ name: 'any', partitions: ['staff', 'b'], choose: 'in-order', fallback: ['c'] }] },
    capacityIntervalMs: 30_000,
  } as unknown as AppConfig;
  const svc = new PartitionsService(config, {} as EngineRegistry, {} as EngineCapacityRepository);
  const user = { groups: ['users'], admin: false };
  const names = (r: { partitions: { name: string }[] }) => r.partitions.map((p) => p.name);

  it('a list chooses by earliest start among the partitions named, in order', () => {
    const r = svc.resolveRoute(['b', 'a'], user);
    expect(names(r)).toEqual(['b', 'a']);
    expect(r).toMatchObject({ choose: 2, rule: 'earliest-start' });
  });

  it('a group stands for its partitions, its rule and its fallbacks (fallbacks are never chosen first)', () => {
    const r = svc.resolveRoute(['any'], { groups: ['staff'], admin: false });
    expect(names(r)).toEqual(['staff', 'b', 'c']);
    expect(r).toMatchObject({ choose: 2, rule: 'in-order' });
  });

  it('attacker: a group never lands a user in a partition they may not use', () => {
    const r = svc.resolveRoute(['any'], user);
    expect(names(r)).toEqual(['b', 'c']);
    expect(() => svc.resolveRoute(['staff'], user)).toThrow(/you may not use partition staff/);
    expect(() => svc.resolveRoute(['staff', 'nope'], user)).toThrow(/invalid partition specified: nope \(partitions: a, b, staff, c, any\)/);
  });
});
