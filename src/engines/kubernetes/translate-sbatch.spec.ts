import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBatchScript } from '../../sbatch/parse-batch-script';
import { LIMITS, NOW } from '../../../test/sbatch/parse';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { engineConfig, OWNER, partition } from '../../../test/kubernetes-engine/kubernetes-fixtures';
import { containerArgv, containerEnvironment, kubeletExpand } from '../../../test/kubernetes/kubelet-expansion';
import { translateJob } from './translate-job';

/**
 * Real sbatch submissions (parsed by the project's sbatch parser) translated for Kubernetes: the exact
 * container, Secret and volumes; and the pod's command and environment run through the kubelet's own
 * expansion rules and the launcher, so that the script receives its arguments and environment byte for byte.
 */
const SITE_VOLUMES = [
  { name: 'home', mountPath: '/home', persistentVolumeClaim: { claimName: 'home-{username}' }, subPath: '{username}' },
  { name: 'data', mountPath: '/data', persistentVolumeClaim: { claimName: 'shared-data' }, readOnly: true },
  { name: 'tmp', mountPath: '/tmp', emptyDir: { sizeLimit: '20Gi' } },
];
const TRICKY = ['$(HOME)', 'cost$$', 'x$$(y)', '$', 'a $b ${c}', '$é', 'tab\there', "it's", '$(unterminated', ''];

function submit(script: string, optionArgs: string[], scriptArgs: string[], env: Record<string, string>, workdir: string, volumes: unknown[] = SITE_VOLUMES) {
  const { spec } = parseBatchScript({ script, optionArgs, scriptArgs, env, scriptName: `${workdir}/job.sh`, now: NOW }, LIMITS);
  const job = engineJob(77, workdir, spec, { owner: OWNER, partition: 'kube' });
  return translateJob(job, { engine: 'k8s', config: engineConfig({ volumes }), partition: partition(), clusterName: 'hpcg', groupKeys: [] });
}

describe('Kubernetes translation of real sbatch scripts', () => {
  it('keeps the exported environment out of the Job: a Secret the container reads with envFrom, the gateway variables inline', () => {
    const script = '#!/bin/bash\n#SBATCH -J deploy\n#SBATCH -c 2\n#SBATCH --mem=2G\n./deploy.sh "$DB_PASSWORD"\n';
    const t = submit(script, [], [], { DB_PASSWORD: 'hunter2', GITHUB_TOKEN: 'ghp_abc$(x)', HOME: '/home/alice', PATH: '/opt/bin:/usr/bin' }, '/home/alice/app');
    expect(t.secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hpcg-77-env', namespace: t.namespace, labels: t.job.metadata.labels },
      type: 'Opaque',
      data: { DB_PASSWORD: Buffer.from('hunter2').toString('base64'), GITHUB_TOKEN: Buffer.from('ghp_abc$(x)').toString('base64'), HOME: Buffer.from('/home/alice').toString('base64') },
    });
    const c = t.job.spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ secretRef: { name: 'hpcg-77-env', optional: false } }]);
    const names = c.env.map((e: { name: string }) => e.name);
    expect(names).not.toEqual(expect.arrayContaining(['DB_PASSWORD']));
    expect(names).not.toEqual(expect.arrayContaining(['GITHUB_TOKEN']));
    expect(c.env.find((e: { name: string }) => e.name === 'PATH')).toEqual({ name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
    expect(JSON.stringify(t.job)).not.toContain('hunter2');
  });

  it('--export=NONE exports nothing: no Secret, no envFrom', () => {
    const t = submit('#!/bin/sh\n#SBATCH --export=NONE\ntrue\n', [], [], { DB_PASSWORD: 'hunter2' }, '/home/alice/app');
    expect(t.secret).toBeNull();
    expect(t.job.spec.template.spec.containers[0].envFrom).toBeUndefined();
  });

  it('writes every $ of the arguments as $$, so the kubelet passes them through', () => {
    const t = submit('#!/bin/sh\ntrue\n', [], ['$(HOME)', 'cost$$', 'x$$(y)'], {}, '/home/alice/app');
    expect(t.job.spec.template.spec.containers[0].command).toEqual(['/bin/sh', '/hpcg/job/launch', '$$(HOME)', 'cost$$$$', 'x$$$$(y)']);
  });

  it('a read-only root file system, with emptyDir volumes for /tmp, the home when no volume holds it, and scratch', () => {
    const t = submit('#!/bin/sh\ntrue\n', [], [], {}, '/work/alice', []);
    const pod = t.job.spec.template.spec;
    expect(pod.containers[0].securityContext).toEqual({ runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'hpcg-job', mountPath: '/hpcg/job', readOnly: true },
      { name: 'hpcg-home', mountPath: '/home/alice' },
      { name: 'hpcg-tmp', mountPath: '/tmp' },
      { name: 'hpcg-scratch', mountPath: '/scratch' },
    ]);
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'hpcg-home', emptyDir: {} },
      { name: 'hpcg-tmp', emptyDir: {} },
      { name: 'hpcg-scratch', emptyDir: {} },
    ]);
    expect(pod.containers[0].workingDir).toBe('/scratch');
    // On the site's volumes: the home is the PVC, /tmp the site's own emptyDir.
    const onVolumes = submit('#!/bin/sh\ntrue\n', [], [], {}, '/home/alice/app').job.spec.template.spec;
    expect(onVolumes.containers[0].volumeMounts.map((m: { name: string; mountPath: string }) => `${m.name}:${m.mountPath}`)).toEqual(['hpcg-job:/hpcg/job', 'home:/home', 'data:/data', 'tmp:/tmp']);
    expect(onVolumes.containers[0].workingDir).toBe('/home/alice/app');
  });

  it('refuses a working directory or an output file that would be lost with the pod, naming the shared volumes', () => {
    expect(() => submit('#!/bin/sh\ntrue\n', [], [], {}, '/tmp/run')).toThrow(
      'working directory /tmp/run is on volume "tmp" (emptyDir at /tmp) of Kubernetes partition kube, which is discarded with the pod, so the job\'s output files would be lost: use a directory on a shared volume of the partition: "home" (/home)',
    );
    expect(() => submit('#!/bin/sh\ntrue\n', [], [], {}, '/tmp/run', [])).toThrow(/^working directory \/tmp\/run is on \/tmp \(an emptyDir\) of Kubernetes partition kube/);
    expect(() => submit('#!/bin/sh\n#SBATCH -o /tmp/out-%j.txt\ntrue\n', [], [], {}, '/home/alice/app')).toThrow(
      '--output file /tmp/out-77.txt is on volume "tmp" (emptyDir at /tmp), which is discarded with the pod of Kubernetes partition kube: use a directory on a shared volume of the partition: "home" (/home)',
    );
    expect(() => submit('#!/bin/sh\n#SBATCH -e /data/err.txt\ntrue\n', [], [], {}, '/home/alice/app')).toThrow(/^--error file \/data\/err.txt is on read-only volume "data" \(\/data\)/);
    expect(() => submit('#!/bin/sh\ntrue\n', [], [], {}, '/data/run')).toThrow(/^working directory \/data\/run is on read-only volume "data"/);
  });
});

describe('the kubelet expansion the emulation applies', () => {
  const env = { HOME: '/home/alice', A: 'a' };
  const expand = (s: string) => kubeletExpand(s, (n) => env[n as keyof typeof env]);

  it("follows the kubelet's rules", () => {
    expect(expand('$(HOME)')).toBe('/home/alice');
    expect(expand('cost$$')).toBe('cost$');
    expect(expand('x$$(y)')).toBe('x$(y)');
    expect(expand('$(UNDEFINED)')).toBe('$(UNDEFINED)');
    expect(expand('$(unterminated')).toBe('$(unterminated');
    expect(expand('a$')).toBe('a$');
    expect(expand('$a$$(A)$(A)')).toBe('$a$(A)a');
    // Go's string(byte): the first byte of a multi-byte character after a lone $ becomes a character of its own.
    expect(expand('$é')).toBe('$\u00c3\ufffd');
  });

  it('reads env values in order, envFrom as stored', () => {
    const container = { envFrom: [{ secretRef: { name: 's' } }], env: [{ name: 'B', value: '$(S)-$(C)' }, { name: 'C', value: 'c' }, { name: 'D', value: '$(C)' }] };
    expect(containerEnvironment(container, () => ({ S: '$(C)' }), () => '')).toEqual({ S: '$(C)', B: '$(C)-$(C)', C: 'c', D: 'c' });
    expect(() => containerEnvironment(container, () => null, () => '')).toThrow('CreateContainerConfigError: secret "s" not found');
  });
});

describe('a script run through the emulated kubelet receives its arguments and environment byte for byte', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-kubelet-args-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('arguments and exported values full of $, quotes and non-ASCII text', () => {
    const script = '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\nprintf "<%s>\\n" "$TRICKY" "$PLAIN" "$SLURM_JOB_NAME"\n';
    const t = submit(script, ['-J', 'x$$(y)$(HOME)'], TRICKY, { TRICKY: 'cost$$ x$$(y) $(HOME) $é', PLAIN: 'p' }, dir, [{ name: 'work', mountPath: tmpdir(), persistentVolumeClaim: { claimName: 'w' } }]);
    const secret = Object.fromEntries(Object.entries<string>(t.secret!.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    const container = t.job.spec.template.spec.containers[0];
    const env = containerEnvironment(container, () => secret, () => 'node-1');
    const [sh, , ...args] = containerArgv(container, env);
    const volume = join(dir, 'hpcg-job');
    mkdirSync(volume);
    for (const [name, text] of Object.entries<string>(t.configMap.data)) writeFileSync(join(volume, name), text, { mode: 0o555 });
    const r = spawnSync(sh, [join(volume, 'launch'), ...args], { cwd: dir, env: { ...env, PATH: '/usr/bin:/bin' } });
    expect(r.stderr.toString()).toBe('');
    const expected = Buffer.concat([...TRICKY.map((a) => Buffer.from(`[${a}]\n`)), Buffer.from('<cost$$ x$$(y) $(HOME) $é>\n<p>\n<x$$(y)$(HOME)>\n')]);
    expect(r.stdout).toEqual(expected);
    expect(readFileSync(join(dir, 'slurm-77.out'))).toEqual(expected);
  });
});
