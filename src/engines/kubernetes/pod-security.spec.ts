import { arrayTasks, engineJob } from '../../../test/local-engine/job-fixtures';
import type { JobSpec } from '../../domain/job';
import { validateObject } from '../../../test/kubernetes/api-validation';
import { engineConfig, OWNER, partition } from '../../../test/kubernetes-engine/kubernetes-fixtures';
import { securityViolations } from '../../../test/kubernetes-engine/pod-security';
import { sliKubeFindings } from '../../../test/kubernetes-engine/sli-kube';
import { podSecurityRefusal, readOnlyRootViolations, restrictedViolations } from '../../../test/kubernetes/pod-security-admission';
import { translateJob } from './translate-job';

/**
 * Security by construction (issue item 4): every manifest the engine can produce, over the combinations of
 * what changes the pod (arrays, GPUs, requeue, volumes, runtime class, tolerations, node selectors, time
 * limits, memory options, export modes, working directory on a volume or not), runs as its owner with
 * nothing privileged, and is accepted by the API server's schema.
 */
const arrays: Partial<JobSpec>[] = [{}, { array: { indices: [1, 7, 20], maxConcurrent: 2 } }, { array: { indices: [0, 10, 20, 30], maxConcurrent: null } }];
const gpus: Partial<JobSpec>[] = [{}, { gpus: { count: 2, type: null, per: 'job' } }, { gpus: { count: 1, type: 'a100', per: 'task' }, ntasks: 2, memPerGpuMB: 8000 }];
const requeue: Partial<JobSpec>[] = [{ requeue: null }, { requeue: true }, { requeue: false }];
const resources: Partial<JobSpec>[] = [
  { environment: { DB_PASSWORD: 'hunter2', GITHUB_TOKEN: 'ghp_x' } },
  { cpusPerTask: 4, memPerCpuMB: 2048, timeLimitMinutes: 90 },
  { memPerNodeMB: 16000, export: { mode: 'NONE', vars: { A: 'b' } } },
];
const volumes = [
  [],
  [{ name: 'home', mountPath: '/home', persistentVolumeClaim: { claimName: 'home-{username}' }, subPath: '{username}' }],
  [
    { name: 'data', mountPath: '/data', persistentVolumeClaim: { claimName: 'shared-data' }, readOnly: true },
    { name: 'tmp', mountPath: '/tmp', emptyDir: { sizeLimit: '10Gi' } },
  ],
];
const placements = [
  {},
  { runtimeClassName: 'gvisor', nodeSelector: { 'nvidia.com/gpu.product': 'A100' } },
  { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }], imagePullPolicy: 'Always' },
];

function* combinations() {
  for (const a of arrays) for (const g of gpus) for (const r of requeue) for (const res of resources) for (const v of volumes) for (const p of placements) yield { spec: { ...a, ...g, ...r, ...res }, volumes: v, placement: p };
}

describe('every Kubernetes manifest the engine produces', () => {
  const all = [...combinations()];

  it('covers the combinations', () => {
    expect(all.length).toBe(3 ** 6);
  });

  it('runs as the owner, unprivileged, with limits, passes the API server schema, the restricted profile and the SLI-KUBE checks', () => {
    let jobs = 0;
    for (const c of all) {
      const job = engineJob(4242, '/home/alice/project', c.spec, { owner: OWNER, timeLimitMinutes: c.spec.timeLimitMinutes ?? null });
      if (c.spec.array) job.tasks = arrayTasks(4242, c.spec.array.indices);
      const t = translateJob(job, {
        engine: 'kube',
        config: engineConfig({ volumes: c.volumes, quota: { default: { 'requests.cpu': '8' } }, limitRange: { defaultRequest: { cpu: '500m' } }, userRoleBinding: { clusterRole: 'edit' } }),
        partition: partition(c.placement),
        clusterName: 'hpcg',
        groupKeys: [],
      });
      const where = JSON.stringify(c);
      expect({ where, violations: securityViolations(t.job, OWNER) }).toEqual({ where, violations: [] });
      const objects = [t.tenancy.namespace, t.tenancy.resourceQuota, t.tenancy.limitRange, t.tenancy.roleBinding, t.tenancy.networkPolicy, t.configMap, t.secret, t.job].filter(Boolean);
      for (const o of objects) expect({ where, kind: o!.kind, problems: validateObject(o!) }).toEqual({ where, kind: o!.kind, problems: [] });
      const pod = { metadata: { name: 'p', namespace: t.namespace }, spec: t.job.spec.template.spec };
      expect({ where, refusal: podSecurityRefusal(t.tenancy.namespace, pod) }).toEqual({ where, refusal: null });
      expect({ where, findings: sliKubeFindings(objects as Record<string, any>[]) }).toEqual({ where, findings: [] });
      jobs++;
    }
    expect(jobs).toBe(729);
  });

  it('the check itself catches each kind of violation', () => {
    const job = engineJob(1, '/home/alice', {}, { owner: OWNER });
    const good = translateJob(job, { engine: 'kube', config: engineConfig(), partition: partition(), clusterName: 'hpcg', groupKeys: [] }).job;
    expect(securityViolations(good, OWNER)).toEqual([]);
    const mutate = (f: (pod: any) => void) => {
      const copy = structuredClone(good);
      f(copy.spec.template.spec);
      return securityViolations(copy, OWNER);
    };
    expect(mutate((p) => (p.securityContext.runAsUser = 0))).toEqual([expect.stringMatching(/runAsUser/)]);
    expect(mutate((p) => (p.hostNetwork = true))).toEqual(['hostNetwork is true']);
    expect(mutate((p) => p.volumes.push({ name: 'root', hostPath: { path: '/' } }))).toEqual(['volume root uses hostPath']);
    expect(mutate((p) => (p.containers[0].securityContext.allowPrivilegeEscalation = true))).toEqual([expect.stringMatching(/allowPrivilegeEscalation/)]);
    expect(mutate((p) => (p.containers[0].securityContext.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }))).toEqual([expect.stringMatching(/adds capabilities/)]);
    expect(mutate((p) => delete p.containers[0].resources.limits.memory)).toEqual([expect.stringMatching(/limits/), expect.stringMatching(/requests differ/)]);
    expect(mutate((p) => delete p.automountServiceAccountToken)).toEqual(['automountServiceAccountToken is not false']);
    expect(mutate((p) => (p.securityContext.seccompProfile = { type: 'Unconfined' }))).toEqual(['pod seccompProfile is not RuntimeDefault']);
    expect(mutate((p) => (p.containers[0].securityContext.readOnlyRootFilesystem = false))).toEqual(['container job: root file system writable']);
  });

  it('the restricted profile and the read-only root rule catch what a restricted namespace refuses', () => {
    const good = translateJob(engineJob(1, '/home/alice', {}, { owner: OWNER }), { engine: 'kube', config: engineConfig(), partition: partition(), clusterName: 'hpcg', groupKeys: [] }).job.spec.template.spec;
    const check = (f: (pod: any) => void) => {
      const copy = structuredClone(good);
      f(copy);
      return [...restrictedViolations(copy), ...readOnlyRootViolations(copy)];
    };
    expect(check(() => undefined)).toEqual([]);
    expect(check((p) => (p.containers[0].securityContext.privileged = true))).toEqual(['privileged (container "job" must not set securityContext.privileged=true)']);
    expect(check((p) => p.volumes.push({ name: 'root', hostPath: { path: '/' } }))).toEqual(['hostPath volumes (volumes "root")', 'restricted volume types (volume "root" uses hostPath)']);
    expect(check((p) => p.volumes.push({ name: 'data', nfs: { server: 'nfs.example.org', path: '/export' } }))).toEqual(['restricted volume types (volume "data" uses nfs)']);
    expect(check((p) => (p.containers[0].securityContext.allowPrivilegeEscalation = true))).toEqual(['allowPrivilegeEscalation != false (container "job" must set securityContext.allowPrivilegeEscalation=false)']);
    expect(
      check((p) => {
        delete p.securityContext.seccompProfile;
        delete p.containers[0].securityContext.seccompProfile;
      }),
    ).toEqual(['seccompProfile (container "job" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")']);
    expect(check((p) => (p.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] }))).toEqual(['unrestricted capabilities (container "job" must set securityContext.capabilities.drop=["ALL"] and may add only NET_BIND_SERVICE)']);
    expect(
      check((p) => {
        delete p.securityContext.runAsNonRoot;
        delete p.containers[0].securityContext.runAsNonRoot;
      }),
    ).toEqual(['runAsNonRoot != true (container "job" must set securityContext.runAsNonRoot=true)']);
    expect(check((p) => (p.containers[0].securityContext.readOnlyRootFilesystem = false))).toEqual(['readOnlyRootFilesystem != true (container "job" must set securityContext.readOnlyRootFilesystem=true)']);
    expect(check((p) => (p.hostPID = true))).toEqual(['host namespaces (hostPID=true)']);
  });

  it('the SLI-KUBE checks catch each category they look for', () => {
    const t = translateJob(engineJob(1, '/home/alice', {}, { owner: OWNER }), { engine: 'kube', config: engineConfig(), partition: partition(), clusterName: 'hpcg', groupKeys: [] });
    const findings = (f: (job: any) => void, withPolicy = true) => {
      const job = structuredClone(t.job);
      f(job);
      return sliKubeFindings([...(withPolicy ? [t.tenancy.networkPolicy] : []), job]);
    };
    const c = (f: (c: any) => void) => (job: any) => f(job.spec.template.spec.containers[0]);
    expect(findings(() => undefined)).toEqual([]);
    expect(findings(() => undefined, false)).toEqual(['missing network policy: Job hpcg-1']);
    expect(findings(c((x) => delete x.resources.limits.cpu))).toEqual(['absent resource limit: Job hpcg-1 container job']);
    expect(findings(c((x) => (x.env = [{ name: 'DB_PASSWORD', value: 'hunter2' }])))).toEqual(['hard-coded secret: Job hpcg-1 container job env DB_PASSWORD']);
    expect(findings(c((x) => (x.securityContext.capabilities.add = ['SYS_ADMIN'])))).toEqual(['capability misuse: Job hpcg-1 container job adds SYS_ADMIN']);
    expect(findings((j) => (j.spec.template.spec.hostIPC = true))).toEqual(['activation of hostIPC: Job hpcg-1']);
    expect(findings((j) => j.spec.template.spec.volumes.push({ name: 'd', hostPath: { path: '/var/run/docker.sock' } }))).toEqual(['docker socket mounting: Job hpcg-1 volume d']);
    expect(findings(c((x) => delete x.securityContext))).toEqual(['absent securityContext: Job hpcg-1 container job', 'escalated privileges for child container processes: Job hpcg-1 container job']);
  });

  it('refuses an owner without a uid, or root', () => {
    const ctx = { engine: 'kube', config: engineConfig(), partition: partition(), clusterName: 'hpcg', groupKeys: [] };
    expect(() => translateJob(engineJob(1, '/w', {}, { owner: { ...OWNER, uid: null } }), ctx)).toThrow(/^user alice has no uid; jobs run as their owner/);
    expect(() => translateJob(engineJob(1, '/w', {}, { owner: { ...OWNER, uid: 0, gid: 0 } }), ctx)).toThrow(/^user alice has uid 0, below security.minUid 1000/);
    expect(() => translateJob(engineJob(1, '/w', {}, { owner: { ...OWNER, uid: 999 } }), ctx)).toThrow(/^user alice has uid 999, below security.minUid 1000/);
  });
});
