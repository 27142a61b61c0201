import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayFixture } from '../support/gateway-fixture';
import { unixUser } from '../support/slurm-gateway';
import { EmulatedApiServer } from './emulated-api-server';

/** The Unix user Kubernetes test jobs run as (created by scripts/test-deps/kubernetes.sh): pods never run as root. */
export const KUBE_TEST_USER = 'hpcg-kube-a';

/**
 * Site configuration: one Kubernetes engine `k8s` reached through a kubeconfig file, with the temporary
 * directory as the shared volume (a PVC per user) the fixture's working directory lies on; then `extraSite`
 * (top-level keys); `partitionKeys` are added to the partition (e.g. `allowedImages: [...]`).
 */
export function kubernetesSite(kubeconfig: string, partition = 'kube', extraSite = '', partitionKeys = ''): string {
  return `
cluster: hpcg
engines:
  k8s:
    kind: kubernetes
    kubeconfig: ${kubeconfig}
    quota: { default: { requests.cpu: "8", requests.memory: 32Gi, count/jobs.batch: 50 } }
    volumes:
      - { name: work, mountPath: ${tmpdir()}, persistentVolumeClaim: { claimName: "work-{username}" } }
partitions:
  - { name: ${partition}, engine: k8s, default: true, maxTime: "30:00", image: "docker.io/library/bash:5.2"${partitionKeys ? `, ${partitionKeys}` : ''} }
${extraSite}`;
}

export interface KubernetesGateway {
  gw: GatewayFixture;
  api: EmulatedApiServer;
  token: string;
  uid: number;
  stop(): Promise<void>;
}

/**
 * A gateway (API and, unless told otherwise, worker) in front of the emulated Kubernetes API server, with
 * one user who exists on this machine; with the worker, the emulation's kubelet runs the pods as that
 * user's processes.
 */
export async function startKubernetesGateway(options: { worker?: boolean; partition?: string; extraSite?: string; partitionKeys?: string } = {}): Promise<KubernetesGateway> {
  const api = new EmulatedApiServer();
  await api.start();
  const configDir = mkdtempSync(join(tmpdir(), 'hpcg-kubeconfig-'));
  const kubeconfig = join(configDir, 'config');
  writeFileSync(kubeconfig, api.kubeconfig(), { mode: 0o600 });
  const gw = await GatewayFixture.start({ site: kubernetesSite(kubeconfig, options.partition, options.extraSite, options.partitionKeys) });
  const user = unixUser(KUBE_TEST_USER);
  chownSync(gw.dir, user.uid, user.gid);
  if (options.worker !== false) {
    api.kubelet.start();
    await gw.startWorker();
  }
  const token = await gw.user(KUBE_TEST_USER, { uid: user.uid, gid: user.gid, home: gw.dir });
  return {
    gw,
    api,
    token,
    uid: user.uid,
    async stop() {
      await gw.stop();
      api.kubelet.stopAll();
      await api.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
