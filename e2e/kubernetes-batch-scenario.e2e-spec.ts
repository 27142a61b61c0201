import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin } from '../test/support/gateway-process';
import { GatewayFixture } from '../test/support/gateway-fixture';
import { unixUser } from '../test/support/slurm-gateway';
import { EmulatedApiServer } from '../test/kubernetes/emulated-api-server';
import { validateObject } from '../test/kubernetes/api-validation';
import { podSecurityRefusal } from '../test/kubernetes/pod-security-admission';
import { sliKubeFindings } from '../test/kubernetes-engine/sli-kube';
import { KUBE_TEST_USER, KubernetesGateway, startKubernetesGateway } from '../test/kubernetes/kubernetes-gateway';
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

/**
 * The README's example site, as a site copies it: every manifest `hpcg sbatch --test-only --json` prints for a
 * corpus of real submissions validates strictly against the official schema and passes the restricted Pod
 * Security profile, the read-only root rule and the SLI-KUBE checks.
 */
describe("hpcg sbatch --test-only --json on the README's example Kubernetes site", () => {
  let api: EmulatedApiServer;
  let gw: GatewayFixture;
  let token: string;
  let dir: string;
  const home = `/home/${KUBE_TEST_USER}`;

  beforeAll(async () => {
    api = new EmulatedApiServer();
    await api.start();
    dir = mkdtempSync(join(tmpdir(), 'hpcg-readme-site-'));
    writeFileSync(join(dir, 'kubeconfig'), api.kubeconfig(), { mode: 0o600 });
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Kubernetes engine'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    expect(example).toContain('kubeconfig: /etc/hpcg/kubeconfig');
    gw = await GatewayFixture.start({ site: example.replace('/etc/hpcg/kubeconfig', join(dir, 'kubeconfig')) });
    const user = unixUser(KUBE_TEST_USER);
    token = await gw.user(KUBE_TEST_USER, { uid: user.uid, gid: user.gid, home });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const corpus: [string, string[], string][] = [
    ['plain', ['--chdir', `${home}/project`], '#!/bin/bash\n#SBATCH -J plain\n#SBATCH -c 2\n#SBATCH --mem=4G\n#SBATCH -t 30\npython3 train.py\n'],
    ['array with throttle and files', ['--chdir', `${home}/project`], '#!/bin/bash\n#SBATCH --array=1,7,20%2\n#SBATCH -o logs/%A_%a.out\n#SBATCH -e logs/%A_%a.err\necho $SLURM_ARRAY_TASK_ID\n'],
    ['GPU partition', ['-p', 'kube-gpu', '--chdir', `${home}/gpu`], '#!/bin/bash\n#SBATCH --gpus=1\n#SBATCH --mem-per-gpu=16G\n#SBATCH --requeue\nnvidia-smi\n'],
    ['dollars in arguments', ['--chdir', `${home}/project`, '--wrap=echo "$1"'], ''],
    ['outside any volume', ['--chdir', '/work/alice'], '#!/bin/sh\n#SBATCH --export=NONE\nhostname\n'],
  ];

  it.each(corpus)('%s: strict schema, restricted profile, read-only root, SLI-KUBE', (name, options, script) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.sh`);
    if (script) writeFileSync(file, script);
    const args = ['sbatch', '--test-only', '--json', ...options, ...(script ? [file, 'cost$$', '$(HOME)', 'x$$(y)'] : [])];
    const r = spawnSync(process.execPath, [bin('hpcg'), ...args], {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: home, HPCG_URL: gw.url, HPCG_TOKEN: token, DB_PASSWORD: 'hunter2', GITHUB_TOKEN: 'ghp_example' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { tenancy, configMap, secret, job } = JSON.parse(r.stdout).translation;
    const objects = [tenancy.namespace, tenancy.resourceQuota, tenancy.limitRange, tenancy.roleBinding, tenancy.networkPolicy, configMap, secret, job].filter(Boolean);
    for (const o of objects) expect({ kind: o.kind, problems: validateObject(o) }).toEqual({ kind: o.kind, problems: [] });
    expect(podSecurityRefusal(tenancy.namespace, { metadata: { name: 'pod', namespace: tenancy.namespace.metadata.name }, spec: job.spec.template.spec })).toBeNull();
    expect(sliKubeFindings(objects)).toEqual([]);
    expect(JSON.stringify(job)).not.toContain('hunter2');
    if (script) expect(job.spec.template.spec.containers[0].command.slice(2)).toEqual(['cost$$$$', '$$(HOME)', 'x$$$$(y)']);
    expect(api.store.list('jobs', null)).toEqual([]);
  });

  it('refuses a submission from /tmp (an emptyDir in the example), naming the shared volumes', () => {
    const r = spawnSync(process.execPath, [bin('hpcg'), 'sbatch', '--test-only', '--json', '--chdir', '/tmp/run', '--wrap=true'], {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: home, HPCG_URL: gw.url, HPCG_TOKEN: token },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('working directory /tmp/run is on volume "tmp" (emptyDir at /tmp) of Kubernetes partition kube, which is discarded with the pod');
    expect(r.stderr).toContain('"home" (/home)');
  });
});
