import type { z } from 'zod';
import type { ResolvedPartition } from '../config/load-config';

/**
 * The keys an engine kind adds to its partitions (image, node selectors, ClassAd node sets …), validated
 * when the engine is built, so that a bad partition stops the gateway at start-up with the key named.
 */
export function parseEnginePartitions<S extends z.ZodTypeAny>(schema: S, kind: string, engine: string, partitions: ResolvedPartition[]): Map<string, z.output<S> & { name: string }> {
  const out = new Map<string, z.output<S> & { name: string }>();
  for (const p of partitions) {
    const r = schema.safeParse(p);
    if (!r.success) {
      const issues = r.error.issues.map((i) => `  partitions.${p.name}.${i.path.join('.')}: ${i.message}`).join('\n');
      throw new Error(`invalid configuration (${kind} engine ${engine}):\n${issues}`);
    }
    out.set(p.name, { ...(r.data as object), name: p.name } as z.output<S> & { name: string });
  }
  return out;
}
