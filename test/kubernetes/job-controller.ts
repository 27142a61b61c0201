import type { ObjectStore } from './object-store';
import { quotaProblem } from './quota-admission';

type Obj = Record<string, any>;
const UID_LABEL = 'batch.kubernetes.io/controller-uid';
const INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';

/**
 * The Job controller and kubelet of the emulation. Pods are created as the real controller does
 * (parallelism, Indexed completion indexes, pod failure policy, per-index and job backoff limits, quota
 * admission on pod creation); what happens to a pod afterwards is decided by the test through the methods
 * below (run, succeed, fail, oom, deadline, imagePullBackOff), as a node would report it.
 */
export class JobController {
  private readonly logs = new Map<string, string>();
  /** Why the controller could not create a Job's pods (the real one records FailedCreate events), by Job. */
  readonly failedCreates = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    /** Admission of the pods it creates (Pod Security): the refusal, or null. */
    private readonly admitPod: (pod: Obj) => string | null = () => null,
  ) {}

  createJob(job: Obj): Obj {
    const stored = this.store.put('jobs', { ...job, status: {} }, 'ADDED');
    const uid = stored.metadata.uid;
    stored.spec.selector = { matchLabels: { [UID_LABEL]: uid } };
    stored.spec.template.metadata = { ...stored.spec.template.metadata, labels: { ...stored.spec.template.metadata?.labels, [UID_LABEL]: uid, 'batch.kubernetes.io/job-name': stored.metadata.name } };
    this.store.put('jobs', stored, 'MODIFIED');
    this.reconcile(stored.metadata.namespace, stored.metadata.name);
    return this.store.get('jobs', stored.metadata.namespace, stored.metadata.name)!;
  }

  deleteJob(job: Obj): void {
    this.store.remove('jobs', job.metadata.namespace, job.metadata.name);
    for (const p of this.podsOf(job)) this.store.remove('pods', p.metadata.namespace, p.metadata.name);
    // The garbage collector: what the Job owns goes with it.
    for (const resource of ['configmaps', 'secrets']) {
      for (const o of this.store.list(resource, job.metadata.namespace)) {
        if ((o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === job.metadata.uid)) this.store.remove(resource, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  /** A deleted running pod is killed (SIGTERM, exit 143) and counts as failed, as with the real finalizers. */
  deletePod(pod: Obj): void {
    if (pod.status?.phase === 'Running' || pod.status?.phase === 'Pending') this.terminate(pod, 'Failed', { exitCode: 143, reason: 'Error' });
    this.store.remove('pods', pod.metadata.namespace, pod.metadata.name);
  }

  logOf(pod: Obj): string {
    return this.logs.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? '';
  }

  // ---- what the test decides (the node's reports) ----

  /** Pods of a gateway job in creation order (the store lists in insertion order; resourceVersion changes with every update). */
  pods(jobId: number): Obj[] {
    return this.store.list('pods', null).filter((p) => p.metadata.labels?.['hpcg.io/job-id'] === String(jobId));
  }

  run(pod: Obj, log = ''): void {
    this.log(pod, log);
    // The kubelet runs pods as processes of this machine: their traffic comes from its loopback.
    this.setStatus(pod, { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], hostIP: '127.0.0.1', startTime: now(), containerStatuses: [{ name: 'job', ready: true, restartCount: 0, image: pod.spec.containers[0].image, imageID: '', state: { running: { startedAt: now() } } }] });
  }

  succeed(pod: Obj, log = ''): void {
    this.log(pod, log);
    this.terminate(pod, 'Succeeded', { exitCode: 0, reason: 'Completed' });
  }

  fail(pod: Obj, exitCode: number, log = ''): void {
    this.log(pod, log);
    this.terminate(pod, 'Failed', { exitCode, reason: 'Error' });
  }

  oom(pod: Obj): void {
    this.terminate(pod, 'Failed', { exitCode: 137, reason: 'OOMKilled' });
  }

  /** The kubelet ends a pod past its activeDeadlineSeconds. */
  deadline(pod: Obj): void {
    this.terminate(pod, 'Failed', { exitCode: 137, reason: 'Error' }, { reason: 'DeadlineExceeded', message: `Pod was active on the node longer than the specified deadline` });
  }

  imagePullBackOff(pod: Obj): void {
    this.setStatus(pod, {
      phase: 'Pending',
      containerStatuses: [{ name: 'job', ready: false, restartCount: 0, image: pod.spec.containers[0].image, imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${pod.spec.containers[0].image}"` } } }],
    });
  }

  // ---- the controller ----

  private terminate(pod: Obj, phase: 'Succeeded' | 'Failed', terminated: { exitCode: number; reason: string }, podReason: Obj = {}): void {
    const started = pod.status?.startTime ?? now();
    this.setStatus(pod, {
      phase,
      ...podReason,
      startTime: started,
      containerStatuses: [{ name: 'job', ready: false, restartCount: 0, image: pod.spec.containers[0].image, imageID: '', state: { terminated: { ...terminated, startedAt: started, finishedAt: now() } } }],
    });
  }

  private setStatus(pod: Obj, status: Obj): void {
    const current = this.store.get('pods', pod.metadata.namespace, pod.metadata.name);
    if (!current) throw new Error(`pod ${pod.metadata.name} is gone`);
    this.store.put('pods', { ...current, spec: { ...current.spec, nodeName: current.spec.nodeName ?? 'node-1' }, status }, 'MODIFIED');
    const owner = current.metadata.ownerReferences?.[0];
    if (owner) this.reconcile(current.metadata.namespace, owner.name);
  }

  /** Output of the pod's container, appended to its log. */
  log(pod: Obj, text: string): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    this.logs.set(key, (this.logs.get(key) ?? '') + text);
  }

  private podsOf(job: Obj): Obj[] {
    return this.store.list('pods', job.metadata.namespace).filter((p) => p.metadata.labels?.[UID_LABEL] === job.metadata.uid);
  }

  reconcile(namespace: string, name: string): void {
    const job = this.store.get('jobs', namespace, name);
    if (!job || (job.status?.conditions ?? []).some((c: Obj) => c.type === 'Complete' || c.type === 'Failed')) return;
    const spec = job.spec;
    const indexed = spec.completionMode === 'Indexed';
    const completions = spec.completions ?? 1;
    const perIndexLimit = indexed ? spec.backoffLimitPerIndex : undefined;
    const pods = this.podsOf(job);
    const state: ('succeeded' | 'failed' | 'active' | 'waiting')[] = [];
    let failJob: string | null = null;
    let failures = 0;
    // Finished indexes are recorded in the status, as the real controller does (its finalizers keep a
    // deleted pod counted): a pod that is gone does not make its index run again.
    const recorded = (field: string) => new Set<number>(String(job.status?.[field] ?? '').split(',').filter(Boolean).map(Number));
    const completedBefore = recorded('completedIndexes');
    const failedBefore = recorded('failedIndexes');
    for (let k = 0; k < completions; k++) {
      const mine = pods.filter((p) => Number(p.metadata.labels?.[INDEX_LABEL] ?? 0) === k);
      if (completedBefore.has(k)) state[k] = 'succeeded';
      else if (failedBefore.has(k)) state[k] = 'failed';
      else if (mine.some((p) => p.status?.phase === 'Succeeded')) state[k] = 'succeeded';
      else if (mine.some((p) => !['Succeeded', 'Failed'].includes(p.status?.phase))) state[k] = 'active';
      else {
        let counted = 0;
        let final = false;
        for (const p of mine.filter((x) => x.status?.phase === 'Failed')) {
          const action = failureAction(spec.podFailurePolicy, p);
          if (action === 'FailJob') failJob = 'PodFailurePolicy';
          if (action === 'FailIndex') final = true;
          if (action !== 'Ignore') counted++;
        }
        failures += counted;
        state[k] = final || (perIndexLimit !== undefined && counted > perIndexLimit) ? 'failed' : 'waiting';
      }
    }
    if (!indexed && failures > (spec.backoffLimit ?? 6)) failJob ??= 'BackoffLimitExceeded';
    const finish = (type: 'Complete' | 'Failed', reason: string) => {
      for (const p of pods) if (!['Succeeded', 'Failed'].includes(p.status?.phase)) this.store.remove('pods', namespace, p.metadata.name);
      job.status = { ...job.status, active: 0, conditions: [{ type, status: 'True', reason, lastTransitionTime: now() }], completionTime: type === 'Complete' ? now() : undefined };
      this.store.put('jobs', job, 'MODIFIED');
    };
    if (failJob) return finish('Failed', failJob);
    if (state.every((s) => s === 'succeeded')) return finish('Complete', 'CompletionsReached');
    if (state.every((s) => s === 'succeeded' || s === 'failed')) return finish('Failed', indexed ? 'FailedIndexes' : 'BackoffLimitExceeded');
    let active = state.filter((s) => s === 'active').length;
    // A suspended Job gets no pods until it is let out (the real controller also removes running ones).
    for (let k = 0; k < completions && active < (spec.parallelism ?? 1) && spec.suspend !== true; k++) {
      if (state[k] !== 'waiting') continue;
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${indexed ? `${k}-` : ''}${Math.random().toString(36).slice(2, 7)}`,
          namespace,
          labels: { ...spec.template.metadata.labels, ...(indexed ? { [INDEX_LABEL]: String(k) } : {}) },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid, controller: true }],
        },
        spec: indexed ? withCompletionIndex(spec.template.spec, k) : structuredClone(spec.template.spec),
        status: { phase: 'Pending' },
      };
      // Refused by quota: the pod is not created (the real controller records a FailedCreate event, which
      // the engine does not read) and the controller tries again on its next change.
      if (quotaProblem(this.store, 'pods', pod)) break;
      const refused = this.admitPod(pod);
      if (refused) {
        this.failedCreates.set(`${namespace}/${name}`, refused);
        break;
      }
      this.store.put('pods', pod, 'ADDED');
      state[k] = 'active';
      active++;
    }
    const indexes = (want: string) => state.flatMap((s, k) => (s === want ? [k] : [])).join(',');
    const counts = {
      active,
      succeeded: state.filter((s) => s === 'succeeded').length,
      failed: state.filter((s) => s === 'failed').length,
      ...(indexed ? { completedIndexes: indexes('succeeded'), failedIndexes: indexes('failed') } : {}),
    };
    const current = { active: job.status?.active, succeeded: job.status?.succeeded, failed: job.status?.failed, ...(indexed ? { completedIndexes: job.status?.completedIndexes, failedIndexes: job.status?.failedIndexes } : {}) };
    if (JSON.stringify(counts) !== JSON.stringify(current)) {
      job.status = { ...job.status, ...counts, startTime: job.status?.startTime ?? now() };
      this.store.put('jobs', job, 'MODIFIED');
    }
  }
}

/** The controller gives each container of an Indexed Job's pod its index in JOB_COMPLETION_INDEX. */
function withCompletionIndex(template: Obj, k: number): Obj {
  const spec = structuredClone(template);
  for (const c of spec.containers) c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', value: String(k) }];
  return spec;
}

/** The first podFailurePolicy rule matching a failed pod, as the controller evaluates them. */
function failureAction(policy: Obj | undefined, pod: Obj): string | null {
  const exit = pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
  for (const rule of policy?.rules ?? []) {
    if (rule.onExitCodes && exit !== undefined) {
      const listed = rule.onExitCodes.values.includes(exit);
      if (rule.onExitCodes.operator === 'In' ? listed : !listed) return rule.action;
    }
    if (rule.onPodConditions?.some((c: Obj) => (pod.status?.conditions ?? []).some((pc: Obj) => pc.type === c.type && pc.status === (c.status ?? 'True')))) return rule.action;
  }
  return null;
}

function now(): string {
  return new Date().toISOString();
}
