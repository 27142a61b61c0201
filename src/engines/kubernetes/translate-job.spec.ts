import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../common/domain-error';
import { arrayTasks, engineJob } from '../../../test/local-engine/job-fixtures';
import { engineConfig, OWNER, partition } from '../../../test/kubernetes-engine/kubernetes-fixtures';
import { KubernetesTranslation, translateJob } from './translate-job';

/**
 * The translation table of DESIGN.md §2 for Kubernetes, option by option, and the launcher it ships in the
 * ConfigMap run for real with /bin/sh (array index mapping, output files, cancelled tasks, exit codes).
 */
const home = { name: 'home', mountPath: '/home', persistentVolumeClaim: { claimName: 'home-{username}' } };

function translate(spec: Parameters<typeof engineJob>[2] = {}, extra: Parameters<typeof engineJob>[3] = {}, config: Record<string, unknown> = {}): KubernetesTranslation {
  return translateJob(engineJob(42, '/home/alice/run', spec, { owner: OWNER, partition: 'kube', ...extra }), {
    engine: 'k8s',
    config: engineConfig(config),
    partition: partition(),
    clusterName: 'hpcg',
    groupKeys: OWNER.groups.map(String),
  });
}

const pod = (t: KubernetesTranslation) => t.job.spec.template.spec;
const container = (t: KubernetesTranslation) => pod(t).containers[0];
const env = (t: KubernetesTranslation) => Object.fromEntries(container(t).env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'from-field']));

describe('Kubernetes translation of an sbatch job', () => {
  it("runs the partition's image, or the job's own when the site allowed it on the partition (a notebook's image option)", () => {
    expect(container(translate()).image).toBe(partition().image);
    const ctx = { engine: 'k8s', config: engineConfig(), partition: partition({ allowedImages: ['jupyter/scipy-notebook'] }), clusterName: 'hpcg', groupKeys: [] };
    expect(container(translateJob(engineJob(42, '/home/alice/run', { image: 'jupyter/scipy-notebook' }, { owner: OWNER, partition: 'kube' }), ctx)).image).toBe('jupyter/scipy-notebook');
  });

  it('refuses an image the site did not allow, naming the field and the allowed images, instead of running another', () => {
    for (const image of ['docker.io/library/alpine', 'docker.io/library/bash:5.2-privileged', 'docker.io/library/bash', 'docker.io/library/bash:5.2 ']) {
      let err: unknown;
      try {
        translate({ image });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'FORBIDDEN', details: { field: 'image', value: image, allowed: ['docker.io/library/bash:5.2'] } });
      expect((err as Error).message).toContain('not allowed on Kubernetes partition kube');
    }
  });

  it('a plain job: one pod, requests = limits, --time as activeDeadlineSeconds, a failed script is final', () => {
    const t = translate({ cpusPerTask: 4, memPerCpuMB: 1000, timeLimitMinutes: 90 }, { timeLimitMinutes: 90 });
    expect(t.job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 0, ttlSecondsAfterFinished: 3600 });
    expect(t.job.spec.completionMode).toBeUndefined();
    expect(container(t).resources).toEqual({ requests: { cpu: '4', memory: '4000Mi' }, limits: { cpu: '4', memory: '4000Mi' } });
    expect(pod(t).activeDeadlineSeconds).toBe(5400);
    expect(t.job.spec.podFailurePolicy.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'job', operator: 'NotIn', values: [0] } },
      { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
    expect(t.job.metadata.labels).toMatchObject({ 'hpcg.io/job-id': '42', 'hpcg.io/user': 'alice', 'app.kubernetes.io/managed-by': 'hpc-gateway' });
    expect(t.configMap.data.script).toBe(engineJob(42, '/x').spec.script);
  });

  it('--requeue retries only what the node did to the pod, up to requeueRetries', () => {
    const t = translate({ requeue: true }, {}, { requeueRetries: 5 });
    expect(t.job.spec.backoffLimit).toBe(5);
    expect(t.job.spec.podFailurePolicy.rules[1]).toEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
  });

  it('a sparse, throttled array: Indexed Job, parallelism = throttle, one line per completion index', () => {
    const t = translate({ array: { indices: [1, 7, 20], maxConcurrent: 2 } }, { tasks: arrayTasks(42, [1, 7, 20]) });
    expect(t.job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 2, backoffLimitPerIndex: 0 });
    expect(t.job.spec.podFailurePolicy.rules[0].action).toBe('FailIndex');
    expect(t.job.metadata.annotations).toEqual({ 'hpcg.io/array-indices': '1,7,20' });
    expect(t.configMap.data.tasks).toBe(arrayTasks(42, [1, 7, 20]).map((r) => `${r.index} ${r.rawId}\n`).join(''));
  });

  it('GPUs as requests = limits of the configured resource', () => {
    const t = translate({ gpus: { count: 2, type: null, per: 'job' } }, {}, { gpuResource: 'amd.com/gpu' });
    expect(container(t).resources.limits['amd.com/gpu']).toBe('2');
    expect(container(t).resources.requests['amd.com/gpu']).toBe('2');
  });

  it("the SLURM_* environment, the node's name from the pod, and the gateway's values kept from the kubelet's $(VAR) expansion", () => {
    const t = translate({ name: 'cost $(date)', export: { mode: 'ALL', vars: {} }, environment: { GREETING: 'cost $(date)' } });
    expect(env(t)).toMatchObject({ SLURM_JOB_ID: '42', SLURM_JOB_USER: 'alice', SLURM_CLUSTER_NAME: 'hpcg', SLURM_JOB_NODELIST: 'from-field', SLURM_JOB_NAME: 'cost $$(date)' });
    expect(Buffer.from(t.secret!.data.GREETING, 'base64').toString()).toBe('cost $(date)');
    expect(container(t).env.find((e: { name: string }) => e.name === 'SLURMD_NODENAME').valueFrom).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
  });

  it('runs in the working directory when a volume holds it, else in scratch space without output files', () => {
    const onVolume = translate({}, {}, { volumes: [home] });
    expect(container(onVolume).workingDir).toBe('/home/alice/run');
    expect(onVolume.configMap.data['stdout.0']).toBe('/home/alice/run/slurm-42.out');
    const off = translate();
    expect(container(off).workingDir).toBe('/scratch');
    expect(container(off).volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/hpcg/job', '/home/alice', '/tmp', '/scratch']);
    expect(Object.keys(off.configMap.data).sort()).toEqual(['launch', 'script']);
  });

  it('refuses an owner without a uid at or above security.minUid, saying why', () => {
    expect(() => translate({}, { owner: { ...OWNER, uid: 0 } })).toThrow(DomainError);
    expect(() => translate({}, { owner: { ...OWNER, uid: null } })).toThrow(/^user alice has no uid; jobs run as their owner/);
  });
});

describe('the launcher in the ConfigMap, run by /bin/sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-launcher-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the ConfigMap as its volume would appear and runs the container's command for one completion index. */
  function runPod(t: KubernetesTranslation, completionIndex: number | null, cancelled: number[] = []) {
    const volume = join(dir, 'hpcg-job');
    mkdirSync(volume, { recursive: true });
    const data: Record<string, string> = { ...t.configMap.data, ...(cancelled.length ? { cancelled: cancelled.join('\n') } : {}) };
    for (const [name, text] of Object.entries(data)) writeFileSync(join(volume, name), text, { mode: 0o555 });
    const [sh, , ...args] = container(t).command;
    const r = spawnSync(sh, [join(volume, 'launch'), ...args], {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', ...env(t), ...(completionIndex === null ? {} : { JOB_COMPLETION_INDEX: String(completionIndex) }) },
      encoding: 'utf8',
    });
    return { code: r.status, log: r.stdout + r.stderr };
  }

  function arrayJob(script: string, options: Record<string, unknown> = {}) {
    return translate({ script, array: { indices: [3, 9, 27], maxConcurrent: null }, ...options }, { workdir: dir, tasks: arrayTasks(42, [3, 9, 27]) }, { volumes: [{ ...home, mountPath: tmpdir() }] });
  }

  it('maps completion index k to the k-th array index and task id, writes the output file and the pod log, and keeps the exit code', () => {
    const t = arrayJob('#!/bin/sh\necho "task $SLURM_ARRAY_TASK_ID id $SLURM_JOB_ID of $SLURM_ARRAY_JOB_ID"\necho oops >&2\nexit 4\n');
    const r = runPod(t, 1);
    const rawId = arrayTasks(42, [3, 9, 27])[1].rawId;
    expect(r.code).toBe(4);
    expect(r.log).toBe(`task 9 id ${rawId} of 42\noops\n`);
    expect(readFileSync(join(dir, 'slurm-42_9.out'), 'utf8')).toBe(`task 9 id ${rawId} of 42\noops\n`);
  });

  it('writes stderr to its own file when --error names another one', () => {
    const t = arrayJob('#!/bin/sh\necho out\necho err >&2\n', { output: 'o-%a.txt', error: 'e-%a.txt' });
    expect(runPod(t, 2).code).toBe(0);
    expect(readFileSync(join(dir, 'o-27.txt'), 'utf8')).toBe('out\n');
    expect(readFileSync(join(dir, 'e-27.txt'), 'utf8')).toBe('err\n');
  });

  it('does not run the script of a task cancelled before its pod started, and exits 0', () => {
    const t = arrayJob('#!/bin/sh\ntouch ran-$SLURM_ARRAY_TASK_ID\n');
    const r = runPod(t, 0, [27, 3]);
    expect(r.code).toBe(0);
    expect(r.log).toBe('hpc-gateway: array task 3 was cancelled before it started\n');
    expect(() => readFileSync(join(dir, 'ran-3'))).toThrow();
    expect(runPod(t, 1, [27, 3]).code).toBe(0);
    expect(readFileSync(join(dir, 'ran-9'), 'utf8')).toBe('');
  });

  it('runs a plain job without output files straight into the pod log', () => {
    const t = translate({ script: '#!/bin/sh\necho "plain $SLURM_JOB_ID"\nexit 2\n' });
    expect(runPod(t, null)).toEqual({ code: 2, log: 'plain 42\n' });
  });
});
