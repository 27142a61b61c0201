import type { JobOwner } from '../../src/engines/engine';

/** Volume sources a job's pod may use: nothing that reaches into the node (hostPath), the cluster's secrets or a server the restricted profile refuses (nfs). */
const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'emptyDir', 'persistentVolumeClaim']);

/**
 * The security list (item 4), checked on one Job manifest: every violation, as text.
 * Written against the manifest, not the translator, so a translator change cannot weaken it silently.
 */
export function securityViolations(job: Record<string, any>, owner: JobOwner): string[] {
  const out: string[] = [];
  const pod = job?.spec?.template?.spec ?? {};
  const psc = pod.securityContext ?? {};
  const expect = (ok: boolean, what: string) => ok || out.push(what);
  expect(psc.runAsUser === owner.uid, `pod runAsUser is ${psc.runAsUser}, not the owner's uid ${owner.uid}`);
  expect(psc.runAsGroup === owner.gid, `pod runAsGroup is ${psc.runAsGroup}, not the owner's gid ${owner.gid}`);
  expect(psc.fsGroup === owner.gid, `pod fsGroup is ${psc.fsGroup}, not the owner's gid ${owner.gid}`);
  expect(psc.runAsNonRoot === true, 'pod runAsNonRoot is not true');
  expect(psc.seccompProfile?.type === 'RuntimeDefault', 'pod seccompProfile is not RuntimeDefault');
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[host] !== true, `${host} is true`);
  expect(pod.automountServiceAccountToken === false, 'automountServiceAccountToken is not false');
  expect(pod.serviceAccountName === undefined && pod.serviceAccount === undefined, 'a service account is named');
  for (const v of pod.volumes ?? []) {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    for (const s of sources) expect(ALLOWED_VOLUME_SOURCES.has(s), `volume ${v.name} uses ${s}`);
  }
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  expect(containers.length > 0, 'no container');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = `container ${c.name}`;
    expect(sc.allowPrivilegeEscalation === false, `${name}: allowPrivilegeEscalation is not false`);
    expect(sc.privileged !== true, `${name}: privileged`);
    expect(sc.readOnlyRootFilesystem === true, `${name}: root file system writable`);
    expect(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', `${name}: capabilities do not drop ALL`);
    expect(!sc.capabilities?.add?.length, `${name}: adds capabilities`);
    expect(sc.runAsNonRoot !== false && (sc.runAsUser === undefined || sc.runAsUser === owner.uid), `${name}: runs as another user`);
    expect(sc.runAsGroup === undefined || sc.runAsGroup === owner.gid, `${name}: runs as another group`);
    expect(sc.seccompProfile === undefined || sc.seccompProfile.type === 'RuntimeDefault', `${name}: seccomp profile is not RuntimeDefault`);
    expect(!(c.ports ?? []).some((p: Record<string, unknown>) => p.hostPort !== undefined), `${name}: uses a host port`);
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    expect(limits.cpu !== undefined && limits.memory !== undefined, `${name}: cpu and memory limits not both set`);
    expect(JSON.stringify(requests) === JSON.stringify(limits), `${name}: requests differ from limits`);
  }
  return out;
}
