import type { SecurityConfig } from '../../config/security-config.schema';
import { assertUnixIdentity, DEFAULT_SECURITY, userWording } from '../../users/unix-identity';
import type { KubernetesEngineConfig } from '../../config/kubernetes-engine.schema';
import { badInput } from '../../common/domain-error';
import type { EngineJob } from '../engine';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, FilenameContext, resolveOutputPath } from '../shared/filename-pattern';
import { buildJobEnvironment, buildTaskEnvironment } from '../shared/job-environment';
import { checkImage, partitionImages } from './allowed-images';
import { LAUNCHER, SCRIPT_DIR } from './job-launcher';
import type { KubernetesPartition } from './kubernetes-partition';
import {
  ANNOTATION_ARRAY_INDICES,
  LABEL_JOB_ID,
  LABEL_SUBMIT_NONCE,
  LABEL_MANAGED_BY,
  LABEL_PARTITION,
  LABEL_USER,
  MANAGED_BY,
  envSecretName,
  jobObjectName,
  scriptConfigMapName,
  userLabel,
} from './kubernetes-names';
import { podResources } from './pod-resources';
import { checkOutputPath, podVolumes } from './pod-volumes';
import { TenancyManifests, tenancyManifests } from './tenancy-manifests';

/** What `hpcg sbatch --test-only --json` shows for a Kubernetes partition: exactly what will be created. */
export interface KubernetesTranslation {
  engine: string;
  namespace: string;
  tenancy: TenancyManifests;
  configMap: Record<string, any>;
  /** The submitter's exported environment (DB_PASSWORD, tokens, …): kept out of the Job object; null when nothing is exported. */
  secret: Record<string, any> | null;
  job: Record<string, any>;
}

export interface KubernetesTranslateContext {
  engine: string;
  config: KubernetesEngineConfig;
  partition: KubernetesPartition;
  clusterName: string;
  /** Group keys of the owner for per-group quota. */
  groupKeys: string[];
  /** The site's identity policy; the schema's defaults (minUid/minGid 1000) when omitted. */
  security?: SecurityConfig;
}

export const CONTAINER_NAME = 'job';
/** A container's PATH: the submitter's PATH names directories of the login node, not of the image. */
const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Node-dependent variables: the node is known only when the pod is scheduled. */
const NODE_VARIABLES = ['SLURM_JOB_NODELIST', 'SLURM_NODELIST', 'SLURMD_NODENAME'];
/** Names the API server accepts for environment variables (C identifiers plus "-" and "."). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** What a Secret may hold (its data, keys and values). */
const MAX_SECRET_BYTES = 1024 * 1024;

export function translateJob(job: EngineJob, ctx: KubernetesTranslateContext): KubernetesTranslation {
  const { spec, owner } = job;
  const where = `Kubernetes partition ${ctx.partition.name}`;
  // Security by construction: a pod runs as its owner's uid/gid, never as root.
  assertUnixIdentity(owner, ctx.security ?? DEFAULT_SECURITY, userWording(owner.username), { engine: ctx.engine, partition: ctx.partition.name });
  // Before anything else is built: a job asking for an image the site did not allow is refused, not run with another.
  const image = checkImage(spec.image ?? ctx.partition.image, partitionImages(ctx.partition), ctx.partition.name);
  const resources = podResources(spec, where, ctx.config.defaultMemPerCpuMB);
  const tenancy = tenancyManifests(ctx.config, owner, ctx.groupKeys);
  const namespace = tenancy.namespace.metadata.name as string;
  const isArray = spec.array !== null || job.tasks.length > 0;
  if (isArray && job.tasks.length === 0) throw badInput(`job ${job.id}: the array has no task left to run`, { jobId: job.id });

  const labels: Record<string, string> = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_JOB_ID]: String(job.id),
    [LABEL_SUBMIT_NONCE]: job.nonce,
    [LABEL_USER]: userLabel(owner.username),
    [LABEL_PARTITION]: userLabel(job.partition),
  };

  const fs = podVolumes(ctx.config, owner.username, owner.home, job.workdir, where);
  const { workdirVolume, workingDir } = fs;
  const files = workdirVolume ? outputFiles(job, owner.username) : null;
  for (const [key, path] of Object.entries(files ?? {})) if (key !== 'open-mode') checkOutputPath(ctx.config, path, key.startsWith('stdout') ? '--output' : '--error', where);

  const env = buildJobEnvironment({
    job,
    host: '',
    clusterName: ctx.clusterName,
    srunDir: '',
    user: owner.username,
    uid: owner.uid,
    gid: owner.gid,
    home: fs.home,
    loginShell: '/bin/sh',
    ntasks: resources.ntasks,
    cpusOnNode: resources.cpus,
    hostMemoryMB: resources.memoryMB,
  });
  env.PATH = CONTAINER_PATH;
  if (!isArray) Object.assign(env, buildTaskEnvironment(job, null));
  for (const name of NODE_VARIABLES) delete env[name];
  const passable = Object.entries(env).filter(([name]) => ENV_NAME.test(name));
  // What the submitter exported goes to the job through a Secret; what the gateway sets stays in plain sight.
  const submitted = submitterValues(spec);
  const secretEnv = passable.filter(([name, value]) => submitted.get(name) === value);
  const plainEnv = passable.filter(([name, value]) => submitted.get(name) !== value);

  const quantities: Record<string, string> = { cpu: String(resources.cpus), memory: `${resources.memoryMB}Mi` };
  if (resources.gpus > 0) quantities[ctx.config.gpuResource] = String(resources.gpus);
  const identity = { runAsUser: owner.uid, runAsGroup: owner.gid, runAsNonRoot: true };
  const limitSeconds = job.timeLimitMinutes !== null && job.timeLimitMinutes > 0 ? job.timeLimitMinutes * 60 : null;

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: scriptConfigMapName(job.id), namespace, labels },
    data: {
      script: spec.script,
      launch: LAUNCHER,
      ...(isArray ? { tasks: job.tasks.map((t) => `${t.index} ${t.rawId}\n`).join('') } : {}),
      // Output files only where the user can read them: a working directory on a shared volume.
      ...(files ?? {}),
    },
  };
  const secret = secretEnv.length
    ? {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: envSecretName(job.id), namespace, labels },
        type: 'Opaque',
        // Values from a Secret reach the container as they are: the kubelet expands only `value` fields.
        data: Object.fromEntries(secretEnv.map(([name, value]) => [name, Buffer.from(value).toString('base64')])),
      }
    : null;
  const secretBytes = secretEnv.reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (secretBytes > MAX_SECRET_BYTES) {
    throw badInput(`job ${job.id}: the exported environment is ${secretBytes} bytes, more than a Kubernetes Secret holds (${MAX_SECRET_BYTES}): export fewer variables (--export=NONE or a list)`, { option: '--export', bytes: secretBytes });
  }

  const podSpec: Record<string, any> = {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    securityContext: {
      ...identity,
      fsGroup: owner.gid,
      ...(owner.groups.length ? { supplementalGroups: owner.groups } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(limitSeconds !== null ? { activeDeadlineSeconds: limitSeconds } : {}),
    ...(Object.keys(ctx.partition.nodeSelector).length ? { nodeSelector: ctx.partition.nodeSelector } : {}),
    ...(ctx.partition.tolerations.length ? { tolerations: ctx.partition.tolerations } : {}),
    ...(ctx.partition.runtimeClassName ? { runtimeClassName: ctx.partition.runtimeClassName } : {}),
    containers: [
      {
        name: CONTAINER_NAME,
        image,
        ...(ctx.partition.imagePullPolicy ? { imagePullPolicy: ctx.partition.imagePullPolicy } : {}),
        command: ['/bin/sh', `${SCRIPT_DIR}/launch`, ...spec.scriptArgs.map(kubeletLiteral)],
        workingDir,
        ...(secret ? { envFrom: [{ secretRef: { name: secret.metadata.name, optional: false } }] } : {}),
        env: [
          ...plainEnv.map(([name, value]) => ({ name, value: kubeletLiteral(value) })),
          ...NODE_VARIABLES.map((name) => ({ name, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } })),
        ],
        resources: { requests: { ...quantities }, limits: { ...quantities } },
        securityContext: {
          ...identity,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [{ name: 'hpcg-job', mountPath: SCRIPT_DIR, readOnly: true }, ...fs.mounts],
      },
    ],
    volumes: [{ name: 'hpcg-job', configMap: { name: configMap.metadata.name, defaultMode: 0o555 } }, ...fs.volumes],
  };

  const requeue = spec.requeue === true;
  const manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobObjectName(job.id),
      namespace,
      labels,
      ...(isArray ? { annotations: { [ANNOTATION_ARRAY_INDICES]: job.tasks.map((t) => t.index).join(',') } } : {}),
    },
    spec: {
      // Created suspended: it starts once its ConfigMap and Secret exist and are owned by it (KubernetesEngine.submit).
      suspend: true,
      ...(isArray
        ? {
            completionMode: 'Indexed',
            completions: job.tasks.length,
            parallelism: Math.min(job.tasks.length, spec.array?.maxConcurrent ?? job.tasks.length),
            // Per index, so that one failed task does not stop the others (as in a Slurm array).
            backoffLimitPerIndex: requeue ? ctx.config.requeueRetries : 0,
          }
        : { completions: 1, parallelism: 1, backoffLimit: requeue ? ctx.config.requeueRetries : 0 }),
      podFailurePolicy: { rules: failureRules(isArray, requeue) },
      ttlSecondsAfterFinished: ctx.config.ttlSecondsAfterFinished,
      // An Indexed Job's pods carry their completion index (Kubernetes' own label); the annotation maps it to the array index.
      template: { metadata: { labels }, spec: podSpec },
    },
  };
  return { engine: ctx.engine, namespace, tenancy, configMap, secret, job: manifest };
}

/**
 * The --output / --error file of each completion index (`stdout.<k>`, `stderr.<k>`), expanded as Slurm
 * does; the node (`%N`) is not known before the pod is scheduled, so it stays as written.
 */
function outputFiles(job: EngineJob, user: string): Record<string, string> {
  const { spec } = job;
  const isArray = job.tasks.length > 0;
  const pattern = spec.output ?? (isArray ? DEFAULT_ARRAY_OUTPUT : DEFAULT_OUTPUT);
  const files: Record<string, string> = { 'open-mode': spec.openMode ?? 'truncate' };
  (isArray ? job.tasks : [null]).forEach((task, k) => {
    const names: FilenameContext = { jobId: task ? task.rawId : job.id, arrayJobId: job.id, arrayIndex: task ? task.index : null, jobName: spec.name, user, host: '%N' };
    const stdout = resolveOutputPath(pattern, names, job.workdir);
    const stderr = spec.error ? resolveOutputPath(spec.error, names, job.workdir) : null;
    files[`stdout.${k}`] = stdout;
    if (stderr !== null && stderr !== stdout) files[`stderr.${k}`] = stderr;
  });
  return files;
}

/**
 * A script's own failure is final, as in Slurm: it is never retried. `--requeue` retries only what the
 * node did to the pod (drain, preemption, node failure: the DisruptionTarget condition), as Slurm requeues
 * a job whose node failed; without it such a pod fails the task.
 */
function failureRules(isArray: boolean, requeue: boolean): Record<string, any>[] {
  const fail = isArray ? 'FailIndex' : 'FailJob';
  return [
    { action: fail, onExitCodes: { containerName: CONTAINER_NAME, operator: 'NotIn', values: [0] } },
    { action: requeue ? 'Ignore' : fail, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
  ];
}

/** The submitter's own variables (all of them under --export=ALL, else those --export named) by name. */
function submitterValues(spec: EngineJob['spec']): Map<string, string> {
  const values = new Map<string, string>(spec.export.mode === 'ALL' ? Object.entries(spec.environment) : []);
  for (const [name, value] of Object.entries(spec.export.vars)) {
    const v = value ?? spec.environment[name];
    if (v !== undefined) values.set(name, v);
  }
  return values;
}

/**
 * The kubelet expands `$(NAME)` and turns `$$` into `$` in a container's command, args and env values
 * (k8s.io/kubernetes third_party/forked/golang/expansion): every `$` the script must see is written `$$`.
 */
export function kubeletLiteral(text: string): string {
  // A function: in a replacement string "$$" would itself mean one "$".
  return text.replaceAll('$', () => '$$');
}
