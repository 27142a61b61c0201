import { spawnSync } from 'node:child_process';
import { bin } from '../test/support/gateway-process';
import { KubernetesGateway, startKubernetesGateway } from '../test/kubernetes/kubernetes-gateway';
import { describeBatchScenario } from './batch-scenario';

/**
 * The core scenario, unchanged, on the Kubernetes engine: the worker talks to the emulated API server
 * (schema, quota and immutability checks of a real one) through @kubernetes/client-node, and the
 * emulation's kubelet runs each pod's command as a process of the job's owner, so the scripts themselves
 * decide states, exit codes and output, and the pods' time limits and deletions are enforced by signals.
 */
const gateways = new Map<unknown, KubernetesGateway>();

describeBatchScenario(
  'batch jobs end to end through hpcg (Kubernetes engine, emulated API server)',
  async () => {
    const k = await startKubernetesGateway();
    gateways.set(k.gw, k);
    return { gw: k.gw, token: k.token, engine: 'k8s', uid: k.uid };
  },
  (t) => gateways.get(t.gw)!.stop(),
  { scriptJobId: async (id) => String(id) },
);

describe('hpcg sbatch --test-only --json on a Kubernetes partition', () => {
  let k: KubernetesGateway;
  beforeAll(async () => {
    k = await startKubernetesGateway({ worker: false });
  }, 60_000);
  afterAll(() => k?.stop());

  it('shows the exact namespace, ConfigMap and Job it would create, and creates nothing', () => {
    const r = spawnSync(process.execPath, [bin('hpcg'), 'sbatch', '--test-only', '--json', '-p', 'kube', '-J', 'probe', '--array=1,5%1', '-t', '10', '-c', '2', '--mem=1G', '--wrap', 'echo hi'], {
      cwd: k.gw.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: k.gw.dir, HPCG_URL: k.gw.url, HPCG_TOKEN: k.token },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('k8s');
    const { namespace, tenancy, configMap, job } = out.translation;
    expect(namespace).toMatch(/^hpcg-hpcg-kube-a-[0-9a-f]{8}$/);
    expect(tenancy.namespace.metadata.name).toBe(namespace);
    expect(configMap.data.tasks).toMatch(/^1 \d+\n5 \d+\n$/);
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { namespace, annotations: { 'hpcg.io/array-indices': '1,5' } },
      spec: { completionMode: 'Indexed', completions: 2, parallelism: 1, backoffLimitPerIndex: 0 },
    });
    const pod = job.spec.template.spec;
    expect(pod.activeDeadlineSeconds).toBe(600);
    expect(pod.securityContext).toMatchObject({ runAsUser: k.uid, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0]).toMatchObject({ image: 'docker.io/library/bash:5.2', workingDir: k.gw.dir, resources: { requests: { cpu: '2', memory: '1024Mi' }, limits: { cpu: '2', memory: '1024Mi' } } });
    expect(configMap.data['stdout.1']).toMatch(new RegExp(`^${k.gw.dir}/slurm-\\d+_5\\.out$`));
    // Nothing reached the cluster.
    expect(k.api.store.list('jobs', null)).toEqual([]);
    expect(k.api.store.list('namespaces', null)).toEqual([]);
  });
});
