import { kubernetesEngineSchema, KubernetesEngineConfig } from '../../src/config/kubernetes-engine.schema';
import type { JobOwner } from '../../src/engines/engine';
import { kubernetesPartitionSchema, KubernetesPartition } from '../../src/engines/kubernetes/kubernetes-partition';

export const OWNER: JobOwner = { username: 'alice', uid: 1001, gid: 1001, groups: [1001, 2000], home: '/home/alice' };

export function engineConfig(overrides: Record<string, unknown> = {}): KubernetesEngineConfig {
  return kubernetesEngineSchema.parse({ kind: 'kubernetes', ...overrides });
}

export function partition(overrides: Record<string, unknown> = {}): KubernetesPartition {
  return { ...kubernetesPartitionSchema.parse({ image: 'docker.io/library/bash:5.2', ...overrides }), name: 'kube' };
}
