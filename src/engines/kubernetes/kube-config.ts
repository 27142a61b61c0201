import { KubeConfig } from '@kubernetes/client-node';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesEngineConfig } from '../../config/kubernetes-engine.schema';

/** Credentials for one cluster: in-cluster service account, or a kubeconfig file and context. */
export function loadKubeConfig(config: KubernetesEngineConfig): KubeConfig {
  const kc = new KubeConfig();
  if (config.inCluster) kc.loadFromCluster();
  else kc.loadFromFile((config.kubeconfig ?? '~/.kube/config').replace(/^~(?=\/|$)/, homedir()));
  if (config.context) kc.setCurrentContext(config.context);
  if (!kc.getCurrentCluster()) throw new Error(`no cluster in ${config.inCluster ? 'the in-cluster credentials' : (config.kubeconfig ?? join(homedir(), '.kube/config'))}${config.context ? ` for context ${config.context}` : ''}`);
  return kc;
}
