import { z } from 'zod';
import type { ResolvedPartition } from '../../config/load-config';

/**
 * What a partition of an HTCondor engine adds to the common partition keys: the node set it aims at,
 * as in the LSST pool (one pool, node sets told apart by machine ClassAd attributes that the
 * administrator moves between nodes). Validated when the engine is built, so a bad partition stops the
 * gateway at start-up with the key named.
 */
const attributeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a ClassAd attribute name (letters, digits, "_")');
const classAdValue = z.union([z.string(), z.number().finite(), z.boolean()]);

export const htcondorPartitionSchema = z.object({
  /** Machine attributes a slot must have: `{ NodeSet: "nightly" }` → `requirements = (TARGET.NodeSet == "nightly")`. */
  machineAttributes: z.record(attributeName, classAdValue).default({}),
  /** A further ClassAd expression ANDed into `requirements`, as written. */
  requirements: z.string().min(1).optional(),
  /** Custom job attributes (`+Name = value`), e.g. the node set the job belongs to, for the machines' START expressions. */
  jobAttributes: z.record(attributeName, classAdValue).default({}),
  /** Container image: the job runs in HTCondor's container universe instead of the vanilla universe. */
  image: z.string().min(1).optional(),
});

export type HtcondorPartition = z.output<typeof htcondorPartitionSchema> & { name: string };

export function parseHtcondorPartitions(engine: string, partitions: ResolvedPartition[]): Map<string, HtcondorPartition> {
  const out = new Map<string, HtcondorPartition>();
  for (const p of partitions) {
    const r = htcondorPartitionSchema.safeParse(p);
    if (!r.success) {
      const issues = r.error.issues.map((i) => `  partitions.${p.name}.${i.path.join('.')}: ${i.message}`).join('\n');
      throw new Error(`invalid configuration (HTCondor engine ${engine}):\n${issues}`);
    }
    out.set(p.name, { ...r.data, name: p.name });
  }
  return out;
}
