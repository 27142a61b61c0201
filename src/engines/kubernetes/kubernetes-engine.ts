import type { SecurityConfig } from '../../config/security-config.schema';
import { BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, RbacAuthorizationV1Api, VersionApi, Watch } from '@kubernetes/client-node';
import type { KubernetesEngineConfig } from '../../config/kubernetes-engine.schema';
import type { ResolvedPartition } from '../../config/load-config';
import { DomainError, ErrorCode, notFound } from '../../common/domain-error';
import { Engine, EngineHealth, EngineJob, LiveJobRef, TaggedJob, OutputChunk, OutputRequest, PartitionCapacity, TaskUpdate } from '../engine';
import { EngineRefusedError, EngineUnavailableError, translatedOrRefused } from '../engine-errors';
import type { EngineLogger } from '../shared/engine-logger';
import { missingJobUpdate } from '../shared/missing-job';
import { jobUpdates } from './job-status';
import { kubeError, statusOf } from './kube-errors';
import { putObject } from './put-object';
import { loadKubeConfig } from './kube-config';
import { KubernetesPartition, parseKubernetesPartitions } from './kubernetes-partition';
import type { ImageProfile } from './allowed-images';
import { ANNOTATION_ARRAY_INDICES, ANNOTATION_CANCELLED_INDICES, LABEL_COMPLETION_INDEX, LABEL_JOB_ID, LABEL_SUBMIT_NONCE, MANAGED_SELECTOR, jobObjectName, namespaceFor, scriptConfigMapName } from './kubernetes-names';
import { adoptTagged } from '../reconcile-tag';
import { CANCELLED_KEY } from './job-launcher';
import { CONTAINER_NAME, KubernetesTranslation, translateJob } from './translate-job';
import { UserNamespaces } from './user-namespace';
import { WatchCache } from './watch-cache';

export interface KubernetesEngineOptions {
  name: string;
  config: KubernetesEngineConfig;
  /** The gateway partitions that run on this engine. */
  partitions: ResolvedPartition[];
  /** The site's notebook profiles: their images are allowed on their partitions. */
  notebookProfiles?: ImageProfile[];
  clusterName: string;
  logger: EngineLogger;
  /** The site's `security` section (minUid/minGid): no job is handed to the engine for an owner below it. */
  security?: SecurityConfig;
  /** Pause before a dropped watch reconnects. */
  watchRetryMs?: number;
  /** A live job absent from a synced cache this long was deleted behind the gateway's back. */
  missingGraceMs?: number;
  /** Injected credentials (tests); default: from the configuration. */
  kubeConfig?: KubeConfig;
}

type Obj = Record<string, any>;

/**
 * A Kubernetes cluster as an engine (DESIGN.md §2): each job a batch/v1 Job in its owner's namespace, run
 * as its owner, status from one watch over Jobs and one over Pods, output from pod logs.
 */
export class KubernetesEngine implements Engine {
  readonly kind = 'kubernetes';
  readonly name: string;
  private readonly partitions: Map<string, KubernetesPartition>;
  private kc: KubeConfig | null = null;
  private apis: { core: CoreV1Api; batch: BatchV1Api; version: VersionApi; namespaces: UserNamespaces } | null = null;
  private jobs: WatchCache | null = null;
  private pods: WatchCache | null = null;
  private readonly missingSince = new Map<number, number>();

  constructor(private readonly opts: KubernetesEngineOptions) {
    this.name = opts.name;
    this.partitions = parseKubernetesPartitions(opts.name, opts.partitions, opts.notebookProfiles);
    this.kc = opts.kubeConfig ?? null;
  }

  translate(job: EngineJob): KubernetesTranslation {
    const partition = this.partitions.get(job.partition);
    if (!partition) throw new DomainError(ErrorCode.INTERNAL, `partition ${job.partition} is not a partition of Kubernetes engine ${this.name}`);
    return translateJob(job, { engine: this.name, config: this.opts.config, partition, clusterName: this.opts.clusterName, groupKeys: job.owner.groups.map(String), security: this.opts.security });
  }

  /**
   * Creates the Job suspended, then its ConfigMap (script) and Secret (exported environment) owned by it,
   * then lets it start. Whatever happens in between, no Secret outlives its Job (the Job owns it from its
   * creation: Kubernetes deletes it with the Job) and no Job runs without its Secret (it is still
   * suspended): a crash leaves a suspended Job, which findByTag does not adopt, so the retry comes here,
   * finds it by name and nonce (409) and finishes the setup; a refusal deletes the Job and what it owns.
   */
  async submit(job: EngineJob): Promise<string> {
    const t = translatedOrRefused(this.name, job.id, () => this.translate(job));
    const { core, batch, namespaces } = this.api();
    const ref = `${t.namespace}/${t.job.metadata.name}`;
    await namespaces.ensure(t.tenancy);
    const created = await this.createJob(job, t, ref);
    if (created.spec?.suspend !== true) return ref;
    const namespace = t.namespace;
    const name = t.job.metadata.name as string;
    const ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: created.metadata.uid, blockOwnerDeletion: false }];
    try {
      await putObject(this.name, 'ConfigMap', { ...t.configMap, metadata: { ...t.configMap.metadata, ownerReferences } }, {
        create: (body) => core.createNamespacedConfigMap({ namespace, body, fieldValidation: 'Strict' }),
        read: (n) => core.readNamespacedConfigMap({ name: n, namespace }),
        replace: (n, body) => core.replaceNamespacedConfigMap({ name: n, namespace, body, fieldValidation: 'Strict' }),
      });
      if (t.secret) {
        await putObject(this.name, 'Secret', { ...t.secret, metadata: { ...t.secret.metadata, ownerReferences } }, {
          create: (body) => core.createNamespacedSecret({ namespace, body, fieldValidation: 'Strict' }),
          read: (n) => core.readNamespacedSecret({ name: n, namespace }),
          replace: (n, body) => core.replaceNamespacedSecret({ name: n, namespace, body, fieldValidation: 'Strict' }),
        });
      }
      await updateWithRetry(
        () => batch.readNamespacedJob({ name, namespace }),
        (j) => ({ ...j, spec: { ...j.spec, suspend: false } }),
        (body) => batch.replaceNamespacedJob({ name, namespace, body }),
      );
    } catch (e) {
      const err = e instanceof DomainError || e instanceof EngineUnavailableError || e instanceof EngineRefusedError ? e : kubeError(this.name, `setting up Job ${ref}`, e, job.id);
      // A refusal will not change on retry: remove the Job, and with it (garbage collection) what it owns.
      if (err instanceof EngineRefusedError) {
        await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }).catch((d) => this.opts.logger.warn({ jobId: job.id, err: (d as Error).message }, 'could not delete a Job whose setup was refused; it stays suspended'));
      }
      throw err;
    }
    this.opts.logger.info({ jobId: job.id, ref, tasks: job.tasks.length }, 'job created on Kubernetes');
    return ref;
  }

  /** The Job, created now or by an earlier attempt of this job (409: same name, same nonce). */
  private async createJob(job: EngineJob, t: KubernetesTranslation, ref: string): Promise<Obj> {
    const { batch } = this.api();
    try {
      return (await batch.createNamespacedJob({ namespace: t.namespace, body: t.job, fieldValidation: 'Strict' })) as Obj;
    } catch (e) {
      if (statusOf(e) !== 409) throw kubeError(this.name, `creating Job ${ref}`, e, job.id);
      let existing: Obj;
      try {
        existing = (await batch.readNamespacedJob({ name: t.job.metadata.name, namespace: t.namespace })) as Obj;
      } catch (r) {
        throw kubeError(this.name, `reading Job ${ref}`, r, job.id);
      }
      // Anyone with "edit" in the namespace could have made a Job of that name: only this job's nonce is adopted.
      if (existing.metadata?.labels?.[LABEL_SUBMIT_NONCE] !== job.nonce) throw kubeError(this.name, `creating Job ${ref}`, e, job.id);
      return existing;
    }
  }

  /**
   * Adopts a Job labelled with this job's id only if it also carries the job's nonce AND lives in the
   * owner's namespace (the gateway's per-user namespace, whose pods run as the owner's uid): a label is
   * anyone's to write wherever they may create Jobs.
   */
  async findByTag(job: TaggedJob): Promise<string | null> {
    let items: Obj[];
    try {
      items = (await this.api().batch.listJobForAllNamespaces({ labelSelector: `${LABEL_JOB_ID}=${job.id}` })).items as Obj[];
    } catch (e) {
      throw kubeError(this.name, `looking for job ${job.id}`, e, job.id);
    }
    // A Job still suspended has not finished its setup (see submit): not adopted, so that submit completes it.
    const candidates = items.filter((found) => found.spec?.suspend !== true).map((found) => ({
      ref: `${found.metadata?.namespace}/${found.metadata?.name}`,
      nonce: found.metadata?.labels?.[LABEL_SUBMIT_NONCE] ?? null,
      owner: String(found.metadata?.namespace ?? ''),
    }));
    return adoptTagged(job, candidates, { engine: this.name, expectedOwner: this.namespaceOf(job.owner.username), logger: this.opts.logger });
  }

  private namespaceOf(username: string): string {
    return namespaceFor(this.opts.config.namespacePrefix, username);
  }

  /** The running pods' IPs and their nodes' IPs: a pod's traffic leaves with either (SNAT or not). */
  async nodeAddresses(ref: string, jobId: number): Promise<string[]> {
    const { namespace } = parseRef(ref, jobId);
    try {
      const list = (await this.api().core.listNamespacedPod({ namespace, labelSelector: `${LABEL_JOB_ID}=${jobId}` })) as Obj;
      return (list.items as Obj[])
        .filter((pod) => pod.status?.phase === 'Running')
        .flatMap((pod) => [pod.status.podIP, pod.status.hostIP, ...(pod.status.podIPs ?? []).map((a: Obj) => a.ip), ...(pod.status.hostIPs ?? []).map((a: Obj) => a.ip)])
        .filter((a): a is string => typeof a === 'string' && a.length > 0);
    } catch (e) {
      throw kubeError(this.name, `reading the pods of job ${jobId}`, e, jobId);
    }
  }

  async cancel(ref: string, jobId: number, arrayIndex: number | null): Promise<void> {
    const { namespace, name } = parseRef(ref, jobId);
    const { batch, core } = this.api();
    try {
      if (arrayIndex === null) {
        await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
      } else {
        await this.cancelTask(namespace, name, jobId, arrayIndex);
      }
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw kubeError(this.name, `cancelling ${ref}`, e, jobId);
    }
    this.opts.logger.info({ jobId, arrayIndex, ref }, 'cancel carried to Kubernetes');
  }

  async syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]> {
    const { jobs, pods } = this.caches();
    if (!jobs.ready || !pods.ready) throw new EngineUnavailableError(this.name, `Kubernetes watch not connected: ${jobs.lastError ?? pods.lastError ?? 'starting'}`);
    const podsByJob = new Map<string, Obj[]>();
    for (const pod of pods.items.values()) {
      const id = pod.metadata?.labels?.[LABEL_JOB_ID];
      if (id) podsByJob.set(id, [...(podsByJob.get(id) ?? []), pod]);
    }
    const updates: TaskUpdate[] = [];
    const now = Date.now();
    for (const { jobId, ref } of refs) {
      const live = jobs.items.get(ref);
      const gone = live ? null : jobs.tombstones.get(ref);
      const job = live ?? gone;
      if (!job) {
        const since = this.missingSince.get(jobId) ?? now;
        this.missingSince.set(jobId, since);
        if (now - since >= (this.opts.missingGraceMs ?? 30_000)) updates.push(missingJobUpdate(jobId, `Job ${ref} no longer exists on Kubernetes engine ${this.name}`));
        continue;
      }
      this.missingSince.delete(jobId);
      const found = jobUpdates(jobId, job, podsByJob.get(String(jobId)) ?? [], !live);
      updates.push(...found);
      if (live && found.some((u) => u.state === 'FAILED' && u.reason?.match(/^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|CreateContainer)/))) {
        // Waiting would not help: stop the Job so it does not sit on the user's quota.
        void this.cancel(ref, jobId, null).catch((e) => this.opts.logger.warn({ jobId, err: (e as Error).message }, 'could not delete a Job that cannot start'));
      }
    }
    return updates;
  }

  async output(ref: string, jobId: number, request: OutputRequest): Promise<OutputChunk> {
    const { namespace } = parseRef(ref, jobId);
    const k = request.arrayIndex === null ? null : this.completionIndex(ref, request.arrayIndex);
    if (request.arrayIndex !== null && k === null) throw notFound(`job ${jobId} has no array task ${request.arrayIndex}`, { jobId, arrayIndex: request.arrayIndex });
    const pod = [...this.caches().pods.items.values()]
      .filter((p) => p.metadata?.labels?.[LABEL_JOB_ID] === String(jobId) && (k === null || p.metadata?.labels?.[LABEL_COMPLETION_INDEX] === String(k)))
      .sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)))
      .pop();
    if (!pod) throw notFound(`job ${jobId}${request.arrayIndex !== null ? ` task ${request.arrayIndex}` : ''} has no pod on Kubernetes engine ${this.name} (not started yet, or removed after ttlSecondsAfterFinished)`, { jobId });
    const path = `pod/${namespace}/${pod.metadata.name}`;
    // A pod's log is stdout and stderr together: stderr has no stream of its own to show.
    if (request.stream === 'stderr') return { path: null, data: '', nextOffset: 0, size: 0 };
    let log: string;
    try {
      log = String(await this.api().core.readNamespacedPodLog({ name: pod.metadata.name, namespace, container: CONTAINER_NAME, ...(request.tailLines !== null ? { tailLines: request.tailLines } : {}) }));
    } catch (e) {
      if (statusOf(e) === 400) return { path, data: '', nextOffset: 0, size: 0 };
      throw kubeError(this.name, `reading the log of ${path}`, e);
    }
    const bytes = Buffer.from(log);
    if (request.tailLines !== null) return { path, data: log, nextOffset: bytes.length, size: bytes.length };
    const slice = bytes.subarray(request.offset, request.offset + request.limit);
    return { path, data: slice.toString(), nextOffset: request.offset + slice.length, size: bytes.length };
  }

  async describe(): Promise<PartitionCapacity[]> {
    return [...this.partitions.values()].map((p) => ({ name: p.name, state: 'up', nodes: 0, cpus: 0, memoryMB: null, gpus: 0, maxTimeMinutes: -1, nodeNames: [] }));
  }

  async health(): Promise<EngineHealth> {
    try {
      const v = await this.api().version.getCode();
      return { ok: true, detail: `Kubernetes ${v.gitVersion} at ${this.kc?.getCurrentCluster()?.server}` };
    } catch (e) {
      return { ok: false, detail: `Kubernetes API at ${this.kc?.getCurrentCluster()?.server ?? '?'} unreachable: ${(e as Error).message}` };
    }
  }

  async start(): Promise<void> {
    this.caches();
  }

  async stop(): Promise<void> {
    this.jobs?.stop();
    this.pods?.stop();
  }

  /**
   * One task of an Indexed Job. Kubernetes cannot skip an index, so the task is cancelled in three steps:
   * the script's ConfigMap lists it (the launcher of a pod that has not started yet then exits 0 at once,
   * letting the other indices complete the Job), the Job's annotation lists it (status reports it
   * CANCELLED), and a running pod of that index is deleted (SIGTERM; the failure policy fails the index).
   */
  private async cancelTask(namespace: string, name: string, jobId: number, arrayIndex: number): Promise<void> {
    const { batch, core } = this.api();
    await updateWithRetry(
      () => core.readNamespacedConfigMap({ name: scriptConfigMapName(jobId), namespace }),
      (cm) => ({ ...cm, data: { ...cm.data, [CANCELLED_KEY]: addIndex(cm.data?.[CANCELLED_KEY], arrayIndex, '\n') } }),
      (body) => core.replaceNamespacedConfigMap({ name: scriptConfigMapName(jobId), namespace, body }),
    );
    const job = await updateWithRetry(
      () => batch.readNamespacedJob({ name, namespace }),
      (j) => {
        const annotations = j.metadata.annotations ?? {};
        return { ...j, metadata: { ...j.metadata, annotations: { ...annotations, [ANNOTATION_CANCELLED_INDICES]: addIndex(annotations[ANNOTATION_CANCELLED_INDICES], arrayIndex, ',') } } };
      },
      (body) => batch.replaceNamespacedJob({ name, namespace, body }),
    );
    const k = completionIndexOf(job, arrayIndex);
    if (k !== null) await core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${LABEL_JOB_ID}=${jobId},${LABEL_COMPLETION_INDEX}=${k}` });
  }

  private completionIndex(ref: string, arrayIndex: number): number | null {
    return completionIndexOf(this.jobs?.items.get(ref) ?? this.jobs?.tombstones.get(ref), arrayIndex);
  }

  private api() {
    if (!this.apis) {
      try {
        this.kc ??= loadKubeConfig(this.opts.config);
      } catch (e) {
        throw new EngineUnavailableError(this.name, `Kubernetes credentials: ${(e as Error).message}`);
      }
      const core = this.kc.makeApiClient(CoreV1Api);
      this.apis = {
        core,
        batch: this.kc.makeApiClient(BatchV1Api),
        version: this.kc.makeApiClient(VersionApi),
        namespaces: new UserNamespaces(this.name, core, this.kc.makeApiClient(RbacAuthorizationV1Api), this.kc.makeApiClient(NetworkingV1Api)),
      };
    }
    return this.apis;
  }

  /** The watches start on first use (the worker starts them in start(); the API process never needs them). */
  private caches(): { jobs: WatchCache; pods: WatchCache } {
    if (!this.jobs || !this.pods) {
      const { batch, core } = this.api();
      const watch = new Watch(this.kc!);
      const common = { watch, labelSelector: MANAGED_SELECTOR, logger: this.opts.logger, retryMs: this.opts.watchRetryMs ?? 1000 };
      this.jobs = new WatchCache({ ...common, what: 'jobs', path: '/apis/batch/v1/jobs', list: () => batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }) as never });
      this.pods = new WatchCache({ ...common, what: 'pods', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR }) as never });
      this.jobs.start();
      this.pods.start();
    }
    return { jobs: this.jobs, pods: this.pods };
  }
}

/** Completion index k of an Indexed Job runs the k-th array index of its annotation. */
function completionIndexOf(job: Obj | undefined, arrayIndex: number): number | null {
  const k = (job?.metadata?.annotations?.[ANNOTATION_ARRAY_INDICES] as string | undefined)?.split(',').indexOf(String(arrayIndex)) ?? -1;
  return k >= 0 ? k : null;
}

/** Read, change, replace; again on 409 Conflict (someone else changed the object in between, e.g. a second cancel). */
async function updateWithRetry(read: () => Promise<unknown>, change: (o: Obj) => Obj, replace: (o: never) => Promise<unknown>, attempts = 5): Promise<Obj> {
  for (let attempt = 1; ; attempt++) {
    const updated = change((await read()) as Obj);
    try {
      await replace(updated as never);
      return updated;
    } catch (e) {
      if (statusOf(e) !== 409 || attempt >= attempts) throw e;
    }
  }
}

function addIndex(list: string | undefined, index: number, separator: string): string {
  const indices = (list ?? '').split(separator).filter(Boolean);
  return indices.includes(String(index)) ? indices.join(separator) : [...indices, String(index)].join(separator);
}

function parseRef(ref: string, jobId: number): { namespace: string; name: string } {
  const [namespace, name] = ref.split('/');
  if (!namespace || name !== jobObjectName(jobId)) throw new DomainError(ErrorCode.INTERNAL, `"${ref}" is not a Kubernetes reference of job ${jobId}`);
  return { namespace, name };
}
