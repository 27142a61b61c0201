import { z } from 'zod';
import type { ResolvedPartition } from '../../config/load-config';
import { parseEnginePartitions } from '../engine-partitions';

/**
 * What a partition of a Kubernetes engine adds to the common partition keys: the image that runs the
 * script, where its pods may go, and the runtime class. Validated when the engine is built, so a bad
 * partition stops the gateway at start-up with the key named.
 */
const toleration = z
  .object({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

export const kubernetesPartitionSchema = z.object({
  image: z.string().min(1, 'the container image that runs the batch script'),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(toleration).default([]),
  runtimeClassName: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a DNS-1123 subdomain').optional(),
});

export type KubernetesPartition = z.output<typeof kubernetesPartitionSchema> & { name: string };

export function parseKubernetesPartitions(engine: string, partitions: ResolvedPartition[]): Map<string, KubernetesPartition> {
  return parseEnginePartitions(kubernetesPartitionSchema, 'Kubernetes', engine, partitions);
}
