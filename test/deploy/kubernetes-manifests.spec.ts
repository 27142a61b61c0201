import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProxyConfig } from '../../proxy/src/config/load-config';
import { loadConfig } from '../../src/config/load-config';
import { sliKubeFindings } from '../kubernetes-engine/sli-kube';
import { readOnlyRootViolations, restrictedViolations } from '../kubernetes/pod-security-admission';
import { KUBERNETES_DIR, podsOf, renderKustomize, selects } from './kustomize';
import { manifestProblems } from './manifest-schema';

type Obj = Record<string, any>;

const overlay = renderKustomize(join(KUBERNETES_DIR, 'overlays', 'example'));
const base = renderKustomize(join(KUBERNETES_DIR, 'base'));
const named = (objects: Obj[], kind: string, name: string): Obj => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind} ${name} not rendered`);
  return o;
};
const pods = podsOf(overlay);
const containersOf = (pod: Obj): Obj[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];

describe('deploy/kubernetes renders to objects the API server accepts', () => {
  it.each([
    ['base', base],
    ['overlays/example', overlay],
  ])('%s: every object validates strictly against the Kubernetes 1.34 schema', (_name, objects) => {
    expect(objects.length).toBeGreaterThan(20);
    const problems = objects.flatMap((o) => manifestProblems(o).map((p) => `${o.kind} ${o.metadata?.name}: ${p.path}: ${p.message}`));
    expect(problems).toEqual([]);
  });

  it('the pods the controllers would create validate too (names, volumes, mounts, resources)', () => {
    expect(pods.map((p) => p.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(['api', 'migrate', 'proxy', 'worker']);
    expect(pods.flatMap((p) => manifestProblems(p).map((x) => `${p.metadata.name}: ${x.path}: ${x.message}`))).toEqual([]);
  });

  it('the checker refuses what a careless manifest would contain (it is not vacuous)', () => {
    const api = structuredClone(named(overlay, 'Deployment', 'hpcg-api'));
    api.spec.template.spec.containers[0].securityContext.runAsRoot = true;
    api.spec.replica = 3;
    expect(manifestProblems(api).map((p) => p.path)).toEqual(expect.arrayContaining(['spec.replica', 'spec.template.spec.containers[0].securityContext.runAsRoot']));
  });

  it('every reference resolves: Secrets, ConfigMaps and ServiceAccounts by their generated names, Services to pods and named ports', () => {
    const has = (kind: string, name: string) => overlay.some((o) => o.kind === kind && o.metadata.name === name);
    const missing: string[] = [];
    for (const pod of pods) {
      const sa = pod.spec.serviceAccountName;
      if (!has('ServiceAccount', sa)) missing.push(`${pod.metadata.name}: ServiceAccount ${sa}`);
      for (const v of pod.spec.volumes ?? []) {
        if (v.configMap && !has('ConfigMap', v.configMap.name)) missing.push(`${pod.metadata.name}: ConfigMap ${v.configMap.name}`);
        if (v.secret && !has('Secret', v.secret.secretName)) missing.push(`${pod.metadata.name}: Secret ${v.secret.secretName}`);
      }
      for (const c of containersOf(pod)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && named(overlay, 'Secret', ref.name).data?.[ref.key] === undefined) missing.push(`${pod.metadata.name}: Secret ${ref.name} key ${ref.key}`);
        }
      }
    }
    for (const svc of overlay.filter((o) => o.kind === 'Service')) {
      const targets = pods.filter((p) => selects(svc.spec.selector, p.metadata.labels));
      if (targets.length === 0) missing.push(`Service ${svc.metadata.name}: selects no pod`);
      for (const port of svc.spec.ports) {
        if (!targets.every((p) => p.spec.containers.some((c: Obj) => (c.ports ?? []).some((cp: Obj) => cp.name === port.targetPort)))) missing.push(`Service ${svc.metadata.name}: port ${port.targetPort}`);
      }
    }
    for (const b of overlay.filter((o) => o.kind === 'ClusterRoleBinding')) {
      for (const s of b.subjects) if (s.namespace !== 'hpcg' || !has('ServiceAccount', s.name)) missing.push(`${b.metadata.name}: subject ${s.namespace}/${s.name}`);
      if (!has('ClusterRole', b.roleRef.name)) missing.push(`${b.metadata.name}: ClusterRole ${b.roleRef.name}`);
    }
    expect(missing).toEqual([]);
    // The generated names carry a content hash (a changed site file or secret rolls the pods).
    expect(named(overlay, 'Deployment', 'hpcg-api').spec.template.spec.volumes.find((v: Obj) => v.name === 'site').configMap.name).toMatch(/^hpcg-site-[a-z0-9]{10}$/);
  });
});

describe('every pod is locked down', () => {
  it('the namespace enforces the restricted Pod Security profile', () => {
    expect(named(overlay, 'Namespace', 'hpcg').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it.each(pods.map((p) => [p.metadata.name, p]))('%s passes the restricted profile and keeps its root file system read-only', (_name, pod) => {
    expect([...restrictedViolations(pod.spec), ...readOnlyRootViolations(pod.spec)]).toEqual([]);
  });

  it('no SLI-KUBE misconfiguration in the rendered objects (each pod under a NetworkPolicy for ingress and egress)', () => {
    const job = named(overlay, 'Job', 'hpcg-migrate');
    const others = overlay.filter((o) => ['ConfigMap', 'NetworkPolicy', 'Job'].includes(o.kind));
    expect(sliKubeFindings([...others, ...pods.filter((p) => p.metadata.name !== `${job.metadata.name}-pod`)])).toEqual([]);
  });

  it('the same checks catch a pod that runs as root with a writable root file system', () => {
    const pod = structuredClone(pods[0]);
    delete pod.spec.securityContext.runAsNonRoot;
    for (const c of containersOf(pod)) {
      delete c.securityContext.runAsNonRoot;
      c.securityContext.readOnlyRootFilesystem = false;
    }
    expect(restrictedViolations(pod.spec).join()).toContain('runAsNonRoot != true');
    expect(readOnlyRootViolations(pod.spec)).toHaveLength(1);
  });

  it('every container has CPU and memory requests and limits; only the API and worker get a service account token', () => {
    const unbounded = pods.flatMap((p) => containersOf(p).filter((c) => !['cpu', 'memory'].every((r) => c.resources?.requests?.[r] && c.resources?.limits?.[r])).map((c) => `${p.metadata.name}/${c.name}`));
    expect(unbounded).toEqual([]);
    const withToken = pods.filter((p) => p.spec.automountServiceAccountToken !== false).map((p) => p.metadata.labels['app.kubernetes.io/component']);
    expect(withToken.sort()).toEqual(['api', 'worker']);
  });

  it('RBAC: no wildcard, Secrets never listed or watched, `bind` only on named roles, and the API can only read pods', () => {
    const roles = overlay.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    const rules = roles.flatMap((r) => r.rules.map((rule: Obj) => ({ role: r.metadata.name, ...rule })));
    expect(rules.filter((r) => [...r.verbs, ...r.resources, ...r.apiGroups].includes('*'))).toEqual([]);
    const secretVerbs = rules.filter((r) => r.resources.includes('secrets')).flatMap((r) => r.verbs);
    expect(secretVerbs.filter((v: string) => !['get', 'create', 'update'].includes(v))).toEqual([]);
    expect(rules.filter((r) => r.verbs.some((v: string) => ['bind', 'escalate', 'impersonate'].includes(v)) && !r.resourceNames?.length)).toEqual([]);
    const reader = rules.filter((r) => r.role === 'hpcg-engine-reader');
    expect(reader.map((r) => [r.resources, r.verbs])).toEqual([
      [['pods'], ['list']],
      [['pods/log'], ['get']],
    ]);
  });
});

describe('what the issue asks of each component', () => {
  const spec = (name: string) => named(overlay, 'Deployment', name).spec;
  const probe = (p: Obj | undefined) => p?.exec?.command.slice(-2).join(' ');

  it('API: 2 replicas, readiness on /readyz, liveness on /healthz, migrations before it starts', () => {
    const api = spec('hpcg-api');
    expect(api.replicas).toBe(2);
    const [container] = api.template.spec.containers;
    expect(probe(container.readinessProbe)).toBe('4000 /readyz');
    expect(probe(container.livenessProbe)).toBe('4000 /healthz');
    expect(api.template.spec.initContainers.map((c: Obj) => c.command.join(' '))).toEqual(['node dist/bin/hpcg-migrate.js']);
    expect(named(overlay, 'Job', 'hpcg-migrate').spec.template.spec.containers[0].command).toEqual(['node', 'dist/bin/hpcg-migrate.js']);
  });

  it('two LoadBalancer front doors, HTTP and SSH on 22, with MetalLB and ExternalDNS annotations', () => {
    const lbs = overlay.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer');
    expect(lbs.map((s) => [s.metadata.name, s.spec.ports.map((p: Obj) => p.port)])).toEqual([
      ['hpcg-proxy-http', [80]],
      ['hpcg-proxy-ssh', [22]],
    ]);
    for (const s of lbs) {
      expect(s.metadata.annotations['metallb.universe.tf/address-pool']).toBe('public');
      expect(s.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toMatch(/\.example\.org$/);
    }
  });

  it('a PodDisruptionBudget covers every Deployment', () => {
    const pdbs = overlay.filter((o) => o.kind === 'PodDisruptionBudget');
    const uncovered = overlay.filter((o) => o.kind === 'Deployment' && !pdbs.some((b) => selects(b.spec.selector, o.spec.template.metadata.labels)));
    expect(uncovered.map((d) => d.metadata.name)).toEqual([]);
  });

  it.each([
    ['base', base, ['kube'], 0],
    ['overlays/example', overlay, ['kube'], 2],
  ])('%s: the site file the pods mount is one the gateway and hpcg-proxy accept', (_name, objects, partitions, loginNodes) => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-deploy-site-'));
    try {
      const site = join(dir, 'hpcg.yaml');
      // The ConfigMap the API mounts, by its generated name.
      const mounted = named(objects, 'Deployment', 'hpcg-api').spec.template.spec.volumes.find((v: Obj) => v.name === 'site').configMap.name;
      writeFileSync(site, named(objects, 'ConfigMap', mounted).data['hpcg.yaml']);
      const config = loadConfig({ HPCG_CONFIG: site, HPCG_ADMIN_TOKEN: 'a'.repeat(24) });
      expect(config.partitions.map((p) => p.name)).toEqual(partitions);
      const proxy = loadProxyConfig({ config: site }, { CONFIGPROXY_AUTH_TOKEN: 'b'.repeat(24), REDIS_URL: 'redis://redis:6379' });
      expect([proxy.pools.map((p) => p.members), proxy.ssh?.nodes.length ?? 0]).toEqual([[['http://hpcg-api:4000']], loginNodes]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
