type Obj = Record<string, any>;

/**
 * Pod Security admission at the "restricted" level (kubernetes.io/docs/concepts/security/pod-security-standards,
 * the baseline checks plus the restricted ones), as a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` applies it to every pod created there, plus the
 * project's own rule that the root file system is read-only (not a Kubernetes check: a site enforces it
 * with a ValidatingAdmissionPolicy or Kyverno). Returns the violations, each as the API server words
 * them ("check (detail)"); empty when the pod is admitted.
 */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

export const READ_ONLY_ROOT_POLICY = 'hpcg-read-only-root';

export function restrictedViolations(podSpec: Obj): string[] {
  const out: string[] = [];
  const psc = podSpec.securityContext ?? {};
  const containers: Obj[] = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? []), ...(podSpec.ephemeralContainers ?? [])];
  const each = (check: string, bad: (c: Obj) => boolean, detail: (names: string) => string) => {
    const names = containers.filter(bad).map((c) => `"${c.name}"`);
    if (names.length) out.push(`${check} (${names.length > 1 ? 'containers' : 'container'} ${names.join(', ')} ${detail(names.join(', '))})`);
  };
  const sc = (c: Obj) => c.securityContext ?? {};

  // baseline
  const host = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => podSpec[k] === true);
  if (host.length) out.push(`host namespaces (${host.map((k) => `${k}=true`).join(', ')})`);
  each('privileged', (c) => sc(c).privileged === true, () => 'must not set securityContext.privileged=true');
  each('non-default capabilities', (c) => (sc(c).capabilities?.add ?? []).some((cap: string) => !BASELINE_CAPABILITIES.has(cap)), () => 'must not include capabilities beyond the baseline set in securityContext.capabilities.add');
  const hostPath = (podSpec.volumes ?? []).filter((v: Obj) => v.hostPath).map((v: Obj) => `"${v.name}"`);
  if (hostPath.length) out.push(`hostPath volumes (volumes ${hostPath.join(', ')})`);
  each('hostPort', (c) => (c.ports ?? []).some((p: Obj) => p.hostPort), () => 'uses hostPort');
  if (psc.seccompProfile?.type === 'Unconfined') out.push('seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")');
  const sysctls = (psc.sysctls ?? []).filter((s: Obj) => !SAFE_SYSCTLS.has(s.name)).map((s: Obj) => s.name);
  if (sysctls.length) out.push(`forbidden sysctls (${sysctls.join(', ')})`);
  each('procMount', (c) => sc(c).procMount !== undefined && sc(c).procMount !== 'Default', () => 'must not set securityContext.procMount');

  // restricted
  const volumes = (podSpec.volumes ?? []).filter((v: Obj) => Object.keys(v).some((k) => k !== 'name' && !RESTRICTED_VOLUMES.has(k)));
  if (volumes.length) out.push(`restricted volume types (${volumes.map((v: Obj) => `volume "${v.name}" uses ${Object.keys(v).filter((k) => k !== 'name').join(', ')}`).join('; ')})`);
  each('allowPrivilegeEscalation != false', (c) => sc(c).allowPrivilegeEscalation !== false, () => 'must set securityContext.allowPrivilegeEscalation=false');
  each('unrestricted capabilities', (c) => !(sc(c).capabilities?.drop ?? []).includes('ALL') || (sc(c).capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE'), () => 'must set securityContext.capabilities.drop=["ALL"] and may add only NET_BIND_SERVICE');
  if (psc.runAsNonRoot !== true) each('runAsNonRoot != true', (c) => sc(c).runAsNonRoot !== true, () => 'must set securityContext.runAsNonRoot=true');
  each('runAsNonRoot != true', (c) => sc(c).runAsNonRoot === false, () => 'must not set securityContext.runAsNonRoot=false');
  if (psc.runAsUser === 0) out.push('runAsUser=0 (pod must not set runAsUser=0)');
  each('runAsUser=0', (c) => sc(c).runAsUser === 0, () => 'must not set runAsUser=0');
  const seccompOk = (p: Obj | undefined) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  if (!seccompOk(psc.seccompProfile)) each('seccompProfile', (c) => !seccompOk(sc(c).seccompProfile), () => 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"');
  return out;
}

/** The project's policy beside the profile: nothing a job writes may land in the image's file system. */
export function readOnlyRootViolations(podSpec: Obj): string[] {
  const writable = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].filter((c: Obj) => c.securityContext?.readOnlyRootFilesystem !== true).map((c: Obj) => `"${c.name}"`);
  return writable.length ? [`readOnlyRootFilesystem != true (container ${writable.join(', ')} must set securityContext.readOnlyRootFilesystem=true)`] : [];
}

/** The refusal a restricted namespace gives for this pod, worded as the API server does; null when admitted. */
export function podSecurityRefusal(namespace: Obj | null, pod: Obj): string | null {
  const labels = namespace?.metadata?.labels ?? {};
  if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') return null;
  const version = labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
  const restricted = restrictedViolations(pod.spec ?? {});
  if (restricted.length) return `pods "${pod.metadata?.name}" is forbidden: violates PodSecurity "restricted:${version}": ${restricted.join(', ')}`;
  const own = readOnlyRootViolations(pod.spec ?? {});
  if (own.length) return `pods "${pod.metadata?.name}" is forbidden: ValidatingAdmissionPolicy '${READ_ONLY_ROOT_POLICY}' denied request: ${own.join(', ')}`;
  return null;
}
