import { parseTimeLimit } from '../sbatch';
import type { PartitionGroup, RoutingConfig } from './routing-config.schema';

export interface ResolvedRouting {
  moveAfterMs: number;
  /** Minutes; see routingSchema.assumedRuntime. */
  assumedRuntimeMinutes: number;
  groups: PartitionGroup[];
}

/**
 * Checks what the schema alone cannot: every partition a group names exists, a group's name is not also a
 * partition's (a user's `-p` would be ambiguous), no name twice. `fail(key, message)` throws the ConfigError.
 */
export function resolveRouting(routing: RoutingConfig, partitions: { name: string }[], fail: (key: string, message: string) => never): ResolvedRouting {
  const known = new Set(partitions.map((p) => p.name));
  const seen = new Set<string>();
  routing.groups.forEach((g, i) => {
    const key = `routing.groups.${i}`;
    if (known.has(g.name)) fail(`${key}.name`, `"${g.name}" is already a partition's name; a group needs a name of its own`);
    if (seen.has(g.name)) fail(`${key}.name`, `group "${g.name}" is defined twice`);
    seen.add(g.name);
    const listed = new Set<string>();
    for (const [field, names] of [['partitions', g.partitions], ['fallback', g.fallback]] as const) {
      names.forEach((name, k) => {
        if (!known.has(name)) fail(`${key}.${field}.${k}`, `no partition "${name}" (partitions: ${[...known].join(', ')})`);
        if (listed.has(name)) fail(`${key}.${field}.${k}`, `partition "${name}" is named twice in group "${g.name}"`);
        listed.add(name);
      });
    }
  });
  let assumedRuntimeMinutes: number;
  try {
    assumedRuntimeMinutes = parseTimeLimit(routing.assumedRuntime);
  } catch (e) {
    fail('routing.assumedRuntime', (e as Error).message);
  }
  if (assumedRuntimeMinutes <= 0) fail('routing.assumedRuntime', `"${routing.assumedRuntime}" must be a finite time (e.g. "1:00:00")`);
  return { moveAfterMs: routing.moveAfterSeconds * 1000, assumedRuntimeMinutes, groups: routing.groups };
}
