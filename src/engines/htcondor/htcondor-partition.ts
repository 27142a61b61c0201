import { z } from 'zod';
import type { ResolvedPartition } from '../../config/load-config';
import { parseEnginePartitions } from '../engine-partitions';

/**
 * What a partition of an HTCondor engine adds to the common partition keys: the node set it aims at,
 * as in the LSST pool (one pool, node sets told apart by machine ClassAd attributes that the
 * administrator moves between nodes). Validated when the engine is built, so a bad partition stops the
 * gateway at start-up with the key named.
 */
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** ClassAd attributes by name; a bad name is reported with its key (zod's record keys would only say "Invalid key"). */
const attributes = z.record(z.string(), z.union([z.string(), z.number().finite(), z.boolean()])).superRefine((record, ctx) => {
  for (const name of Object.keys(record)) {
    if (!ATTRIBUTE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a ClassAd attribute name (letters, digits, "_", not starting with a digit)' });
  }
});

export const htcondorPartitionSchema = z.object({
  /** Machine attributes a slot must have: `{ NodeSet: "nightly" }` → `requirements = (TARGET.NodeSet == "nightly")`. */
  machineAttributes: attributes.default({}),
  /** A further ClassAd expression ANDed into `requirements`, as written. */
  requirements: z.string().min(1).optional(),
  /** Custom job attributes (`+Name = value`), e.g. the node set the job belongs to, for the machines' START expressions. */
  jobAttributes: attributes.default({}),
  /** Container image: the job runs in HTCondor's container universe instead of the vanilla universe. */
  image: z.string().min(1).optional(),
  /** Memory per CPU when a job gives no --mem*: request_memory is always written (HTCondor's own default is tiny). */
  defaultMemPerCpuMB: z.number().int().min(1).default(1024),
  /**
   * Seconds after --begin a job may still start (deferral_window) when it could not start at that time
   * (no slot free): without it HTCondor puts a job that missed its deferral time on hold.
   */
  beginWindowSeconds: z.number().int().min(0).default(86400),
});

export type HtcondorPartition = z.output<typeof htcondorPartitionSchema> & { name: string };

export function parseHtcondorPartitions(engine: string, partitions: ResolvedPartition[]): Map<string, HtcondorPartition> {
  return parseEnginePartitions(htcondorPartitionSchema, 'HTCondor', engine, partitions);
}
