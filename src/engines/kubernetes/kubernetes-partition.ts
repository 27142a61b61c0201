import { z } from 'zod';
import type { ResolvedPartition } from '../../config/load-config';
import { parseEnginePartitions } from '../engine-partitions';
import { IMAGE_REFERENCE, IMAGE_REFERENCE_MESSAGE } from '../../domain/job';
import { partitionImages, type ImageProfile } from './allowed-images';

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

const imageReference = z.string().min(1).regex(IMAGE_REFERENCE, IMAGE_REFERENCE_MESSAGE);

export const kubernetesPartitionSchema = z.object({
  image: z.string().min(1, 'the container image that runs the batch script').regex(IMAGE_REFERENCE, IMAGE_REFERENCE_MESSAGE),
  /** Further images a job may name (submitJob's `image`); `image` is always allowed and the default. */
  allowedImages: z.array(imageReference).default([]),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(toleration).default([]),
  runtimeClassName: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a DNS-1123 subdomain').optional(),
});

export type KubernetesPartition = z.output<typeof kubernetesPartitionSchema> & { name: string };

/**
 * The engine's partitions, each with `allowedImages` completed to every image it may run (its notebook
 * profiles' included), so that the translation checks one list.
 */
export function parseKubernetesPartitions(engine: string, partitions: ResolvedPartition[], profiles: ImageProfile[] = []): Map<string, KubernetesPartition> {
  const parsed = parseEnginePartitions(kubernetesPartitionSchema, 'Kubernetes', engine, partitions);
  for (const p of parsed.values()) p.allowedImages = partitionImages(p, profiles);
  return parsed;
}
