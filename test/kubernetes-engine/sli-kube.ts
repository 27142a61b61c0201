type Obj = Record<string, any>;

/**
 * The 11 categories of security misconfiguration of SLI-KUBE (Rahman et al., "Security Misconfigurations in
 * Open Source Kubernetes Manifests: An Empirical Study", TOSEM 2023), checked on the objects one
 * submission creates, plus the "missing network policy": the pods must be selected by a
 * NetworkPolicy of their namespace. Returns each finding as "category: where".
 */
const SECRET_NAME = /(pass(word|wd)?|secret|token|api_?key|private_?key|credential)/i;
const DANGEROUS_CAPABILITIES = new Set(['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'NET_RAW', 'ALL']);

export function sliKubeFindings(objects: Obj[]): string[] {
  const out: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  for (const o of objects) {
    const pod = o.kind === 'Job' ? o.spec?.template?.spec : o.kind === 'Pod' ? o.spec : null;
    if (o.kind === 'ConfigMap') {
      for (const [k, v] of Object.entries<string>(o.data ?? {})) if (SECRET_NAME.test(k)) out.push(`hard-coded secret: ConfigMap key ${k} (${v.length} bytes)`);
    }
    if (!pod) continue;
    const where = `${o.kind} ${o.metadata?.name}`;
    const labels = o.kind === 'Job' ? (o.spec?.template?.metadata?.labels ?? {}) : (o.metadata?.labels ?? {});
    const selected = policies.some((p) => p.metadata?.namespace === o.metadata?.namespace && selects(p.spec?.podSelector ?? {}, labels) && (p.spec?.policyTypes ?? []).includes('Ingress') && (p.spec?.policyTypes ?? []).includes('Egress'));
    if (!selected) out.push(`missing network policy: ${where}`);
    for (const host of ['hostIPC', 'hostPID', 'hostNetwork']) if (pod[host] === true) out.push(`activation of ${host}: ${where}`);
    for (const v of pod.volumes ?? []) if (String(v.hostPath?.path ?? '').includes('docker.sock')) out.push(`docker socket mounting: ${where} volume ${v.name}`);
    if (!pod.securityContext) out.push(`absent securityContext: ${where} (pod)`);
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext;
      if (!sc) out.push(`absent securityContext: ${at}`);
      if (sc?.privileged === true) out.push(`privileged securityContext: ${at}`);
      if (sc?.allowPrivilegeEscalation !== false) out.push(`escalated privileges for child container processes: ${at}`);
      for (const cap of sc?.capabilities?.add ?? []) if (DANGEROUS_CAPABILITIES.has(String(cap).replace(/^CAP_/, ''))) out.push(`capability misuse: ${at} adds ${cap}`);
      if (c.resources?.limits?.cpu === undefined || c.resources?.limits?.memory === undefined) out.push(`absent resource limit: ${at}`);
      for (const e of c.env ?? []) {
        if (e.value !== undefined && SECRET_NAME.test(e.name)) out.push(`hard-coded secret: ${at} env ${e.name}`);
        if (e.value !== undefined && /^http:\/\//i.test(e.value)) out.push(`insecure HTTP: ${at} env ${e.name}`);
      }
      for (const a of [...(c.command ?? []), ...(c.args ?? [])]) if (/^http:\/\//i.test(a)) out.push(`insecure HTTP: ${at} argument ${a}`);
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe?.httpGet && probe.httpGet.scheme !== 'HTTPS') out.push(`insecure HTTP: ${at} probe`);
    }
  }
  return out;
}

function selects(selector: Obj, labels: Record<string, string>): boolean {
  return Object.entries<string>(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector.matchExpressions ?? []).length === 0;
}
