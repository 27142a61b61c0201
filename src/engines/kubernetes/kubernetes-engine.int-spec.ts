import { KubeConfig } from '@kubernetes/client-node';
import { TaskUpdate } from '../engine';
import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';
import { arrayTasks, engineJob } from '../../../test/local-engine/job-fixtures';
import { EmulatedApiServer } from '../../../test/kubernetes/emulated-api-server';
import { eventually } from '../../../test/support/gateway-fixture';
import type { EngineLogger } from '../shared/engine-logger';
import { KubernetesEngine } from './kubernetes-engine';
import { engineConfig, OWNER } from '../../../test/kubernetes-engine/kubernetes-fixtures';

/**
 * The engine through the real @kubernetes/client-node over HTTP, against the emulated API server: every
 * object it sends is validated there as a real server would, and the test decides how pods progress.
 */
const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const partitions = [{ name: 'kube', engine: 'k8s', default: true, allowGroups: [], maxTimeMinutes: -1, defaultTimeMinutes: -1, enginePartition: 'kube', image: 'docker.io/library/bash:5.2' }];

describe('Kubernetes engine against the emulated API server', () => {
  let api: EmulatedApiServer;
  let engine: KubernetesEngine;

  function makeEngine(config = engineConfig({ quota: { default: { 'requests.cpu': '4', 'count/jobs.batch': 20 } } }), logger = silent): KubernetesEngine {
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfig());
    return new KubernetesEngine({ name: 'k8s', config, partitions: partitions as never, clusterName: 'hpcg', logger, watchRetryMs: 100, missingGraceMs: 60_000, kubeConfig: kc });
  }

  async function states(jobId: number, ref: string, want: (u: TaskUpdate[]) => boolean): Promise<TaskUpdate[]> {
    let last: TaskUpdate[] = [];
    try {
      return await eventually(async () => {
        last = await engine.syncAll([{ jobId, ref, openTasks: [] }]);
        return want(last) ? last : null;
      }, 4000, `job ${jobId} states`, 50);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`);
    }
  }

  beforeEach(async () => {
    api = new EmulatedApiServer();
    await api.start();
    engine = makeEngine();
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    await api.stop();
  });

  it('creates the namespace, quota, script and Job once, and reports a plain job from pending to completed with its log', async () => {
    const job = engineJob(101, '/home/alice', { name: 'hello' }, { owner: OWNER, partition: 'kube' });
    const ref = await engine.submit(job);
    expect(ref).toMatch(/^hpcg-alice-[0-9a-f]{8}\/hpcg-101$/);
    const ns = ref.split('/')[0];
    expect(api.store.get('namespaces', null, ns)?.metadata.annotations['hpcg.io/username']).toBe('alice');
    expect(api.store.get('resourcequotas', ns, 'hpcg-quota')?.spec.hard).toEqual({ 'requests.cpu': '4', 'count/jobs.batch': '20' });
    expect(api.store.get('configmaps', ns, 'hpcg-101-script')?.metadata.ownerReferences[0].kind).toBe('Job');
    // A retry (the answer was lost) finds the same Job and creates nothing new.
    expect(await engine.submit(job)).toBe(ref);
    expect(await engine.findByTag(job)).toBe(ref);
    expect(api.store.get('jobs', ns, 'hpcg-101')?.metadata.labels['hpcg.io/submit-nonce']).toBe(job.nonce);
    expect(api.store.list('jobs', null)).toHaveLength(1);

    const [pod] = api.controller.pods(101);
    expect((await states(101, ref, (u) => u[0]?.state === 'PENDING'))[0].reason).toBe('Resources');
    api.controller.run(pod, 'hello from the pod\n');
    await states(101, ref, (u) => u[0]?.state === 'RUNNING' && u[0].node === 'node-1');
    api.controller.succeed(pod, 'done\n');
    const [done] = await states(101, ref, (u) => u[0]?.state === 'COMPLETED');
    expect(done.exitCode).toBe(0);
    const out = await engine.output(ref, 101, { stream: 'stdout', arrayIndex: null, tailLines: null, offset: 0, limit: 1 << 20 });
    expect(out.data).toBe('hello from the pod\ndone\n');
    expect((await engine.output(ref, 101, { stream: 'stdout', arrayIndex: null, tailLines: 1, offset: 0, limit: 0 })).data).toBe('done\n');
  });

  it('runs a sparse array with its throttle and reports each task: success, exit code, OOM, time limit', async () => {
    const job = engineJob(200, '/home/alice', { array: { indices: [1, 7, 20, 33], maxConcurrent: 2 } }, { owner: OWNER, partition: 'kube', tasks: arrayTasks(200, [1, 7, 20, 33]) });
    const ref = await engine.submit(job);
    // parallelism = throttle: two pods at a time.
    expect(api.controller.pods(200)).toHaveLength(2);
    const [p0, p1] = api.controller.pods(200);
    api.controller.run(p0, 'task 1\n');
    api.controller.succeed(p0);
    api.controller.fail(p1, 3, 'broken\n');
    expect(api.controller.pods(200)).toHaveLength(4);
    const [, , p2, p3] = api.controller.pods(200);
    api.controller.oom(p2);
    api.controller.deadline(p3);
    const u = await states(200, ref, (x) => x.length === 4 && x.every((t) => t.state !== 'PENDING' && t.state !== 'RUNNING'));
    expect(u.map((t) => [t.arrayIndex, t.state, t.exitCode])).toEqual([
      [1, 'COMPLETED', 0],
      [7, 'FAILED', 3],
      [20, 'OUT_OF_MEMORY', 137],
      [33, 'TIMEOUT', 137],
    ]);
    expect((await engine.output(ref, 200, { stream: 'stdout', arrayIndex: 7, tailLines: null, offset: 0, limit: 100 })).data).toBe('broken\n');
    expect(api.store.get('jobs', ref.split('/')[0], 'hpcg-200')?.status.conditions[0].reason).toBe('FailedIndexes');
  });

  it('cancels one array task, running or not yet started, and the other tasks still run', async () => {
    const job = engineJob(250, '/home/alice', { array: { indices: [0, 1, 2], maxConcurrent: 1 } }, { owner: OWNER, partition: 'kube', tasks: arrayTasks(250, [0, 1, 2]) });
    const ref = await engine.submit(job);
    const ns = ref.split('/')[0];
    api.controller.run(api.controller.pods(250)[0]);
    await states(250, ref, (u) => u[0]?.state === 'RUNNING');
    await engine.cancel(ref, 250, 2); // not started: the launcher will skip it
    await engine.cancel(ref, 250, 0); // running: its pod is stopped
    expect(api.store.get('configmaps', ns, 'hpcg-250-script')?.data.cancelled.split('\n')).toEqual(['2', '0']);
    // Index 0's pod was deleted (SIGTERM, exit 143): the failure policy fails that index only, and index 1 starts.
    const ofIndex = (k: number) => api.controller.pods(250).filter((p) => p.metadata.labels['batch.kubernetes.io/job-completion-index'] === String(k));
    expect(ofIndex(0)).toEqual([]);
    api.controller.succeed(ofIndex(1)[0], 'one\n');
    // Index 2's launcher finds itself cancelled and exits 0 (translate-job.spec.ts runs the launcher).
    api.controller.succeed(ofIndex(2)[0], 'hpc-gateway: array task 2 was cancelled before it started\n');
    expect(ofIndex(0)).toEqual([]);
    const u = await states(250, ref, (x) => x.every((t) => t.state !== 'PENDING' && t.state !== 'RUNNING'));
    expect(u.map((t) => [t.arrayIndex, t.state])).toEqual([
      [0, 'CANCELLED'],
      [1, 'COMPLETED'],
      [2, 'CANCELLED'],
    ]);
  });

  it('fails fast on an image that cannot be pulled, and deletes the Job', async () => {
    const ref = await engine.submit(engineJob(300, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    api.controller.imagePullBackOff(api.controller.pods(300)[0]);
    const [u] = await states(300, ref, (x) => x[0]?.state === 'FAILED');
    expect(u.reason).toMatch(/^ImagePullBackOff: Back-off pulling image "docker.io\/library\/bash:5.2"/);
    await eventually(async () => api.store.get('jobs', ref.split('/')[0], 'hpcg-300') === null, 3000, 'the Job to be deleted');
  });

  it('cancels by deleting the Job with its pods and reports CANCELLED', async () => {
    const ref = await engine.submit(engineJob(400, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    api.controller.run(api.controller.pods(400)[0]);
    await states(400, ref, (x) => x[0]?.state === 'RUNNING');
    await engine.cancel(ref, 400, null);
    expect(api.controller.pods(400)).toEqual([]);
    await states(400, ref, (x) => x[0]?.state === 'CANCELLED');
    await engine.cancel(ref, 400, null); // already gone: not an error
  });

  it("adopts only the Job with the job's nonce in its owner's namespace; Jobs that copy its labels elsewhere are reported, never adopted", async () => {
    const warned: { obj: Record<string, any>; msg: string }[] = [];
    await engine.stop();
    engine = makeEngine(undefined, { ...silent, warn: (obj: object, msg?: string) => void warned.push({ obj: obj as Record<string, any>, msg: msg ?? '' }) });
    await engine.start();
    const job = engineJob(700, '/home/alice', {}, { owner: OWNER, partition: 'kube' });
    const mallory = { username: 'mallory', uid: 1002, gid: 1002, groups: [1002], home: '/home/mallory' };
    // Mallory knows the next id and the label format, not the nonce: she labels a Job of her own with them.
    const guessed = await engine.submit(engineJob(700, '/home/mallory', {}, { owner: mallory, partition: 'kube', nonce: '0'.repeat(32) }));
    expect(await engine.findByTag(job)).toBeNull();
    expect(warned.map((w) => [w.obj.ref, w.obj.nonceMatches, w.obj.ownerMatches])).toEqual([[guessed, false, false]]);
    expect(warned[0].msg).toMatch(/^possible forgery: engine job hpcg-mallory-[0-9a-f]{8}\/hpcg-700 of hpcg-mallory-[0-9a-f]{8} carries the tag of gateway job 700 of alice/);

    // Once alice's Job exists, its nonce is readable: Mallory copies every label onto another Job in her namespace.
    const ref = await engine.submit(job);
    const own = api.store.get('jobs', ref.split('/')[0], 'hpcg-700')!;
    const copy = `${guessed.split('/')[0]}/copy`;
    api.store.put('jobs', { ...own, metadata: { ...own.metadata, namespace: guessed.split('/')[0], name: 'copy' } }, 'ADDED');
    warned.length = 0;
    expect(await engine.findByTag(job)).toBe(ref);
    expect(warned.map((w) => [w.obj.ref, w.obj.nonceMatches, w.obj.ownerMatches]).sort()).toEqual([[copy, true, false], [guessed, false, false]].sort());

    // A Job of the same name in the owner's namespace without the job's nonce is not taken for it on a retried create.
    const stale = engineJob(701, '/home/alice', {}, { owner: OWNER, partition: 'kube', nonce: '1'.repeat(32) });
    await engine.submit(stale);
    await expect(engine.submit(engineJob(701, '/home/alice', {}, { owner: OWNER, partition: 'kube' }))).rejects.toThrow(/creating Job hpcg-alice-[0-9a-f]{8}\/hpcg-701: Kubernetes refused it \(409\)/);
  });

  it('keeps a job pending (QuotaExceeded) when the namespace quota refuses it, and submits it once there is room', async () => {
    await engine.stop();
    engine = makeEngine(engineConfig({ quota: { default: { 'count/jobs.batch': 1 } } }));
    await engine.submit(engineJob(500, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    const refused = (await engine.submit(engineJob(501, "/home/alice", {}, { owner: OWNER, partition: "kube" })).catch((e) => e)) as EngineUnavailableError;
    expect(refused).toBeInstanceOf(EngineUnavailableError);
    expect(refused.reason).toBe('QuotaExceeded');
    expect(refused.message).toMatch(/exceeded quota: hpcg-quota, requested: count\/jobs.batch=1, used: count\/jobs.batch=1, limited: count\/jobs.batch=1/);
    await engine.cancel((await engine.findByTag(engineJob(500, '/home/alice', {}, { owner: OWNER })))!, 500, null);
    expect(await engine.submit(engineJob(501, '/home/alice', {}, { owner: OWNER, partition: 'kube' }))).toMatch(/hpcg-501$/);
  });

  it('is EngineUnavailable while the API server is down, and resumes the watch (re-listing after 410) when it is back', async () => {
    const ref = await engine.submit(engineJob(600, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    await states(600, ref, (x) => x[0]?.state === 'PENDING');
    const port = api.port;
    await api.stop();
    await expect(engine.submit(engineJob(601, '/home/alice', {}, { owner: OWNER, partition: 'kube' }))).rejects.toBeInstanceOf(EngineUnavailableError);
    await eventually(async () => (await engine.syncAll([{ jobId: 600, ref, openTasks: [] }]).catch((e) => e)) instanceof EngineUnavailableError, 3000, 'sync to report the engine unavailable');
    // While it was away, its history was compacted: the watch must list again.
    api.store.compact();
    api.controller.succeed(api.controller.pods(600)[0]);
    api.store.compact();
    await api.start(port);
    await states(600, ref, (x) => x[0]?.state === 'COMPLETED');
  });

  it('the emulation refuses what a real API server refuses', async () => {
    const body = (extra: Record<string, unknown>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, ...extra });
    const post = (path: string, b: string) => fetch(`${api.url}${path}`, { method: 'POST', body: b, headers: { 'content-type': 'application/json' } });
    expect((await post('/api/v1/namespaces/nowhere/configmaps', body({}))).status).toBe(404);
    await post('/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } }));
    expect((await post('/api/v1/namespaces/ns1/configmaps?fieldValidation=Strict', body({ bogus: 1 }))).status).toBe(400);
    expect((await post('/api/v1/namespaces/ns1/configmaps', body({ data: { a: 1 } }))).status).toBe(400);
    expect((await post('/api/v1/namespaces/ns1/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }))).status).toBe(422);
    const ref = await engine.submit(engineJob(700, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    const job = api.store.get('jobs', ref.split('/')[0], 'hpcg-700')!;
    job.spec.template.spec.containers[0].image = 'other';
    const put = await fetch(`${api.url}/apis/batch/v1/namespaces/${job.metadata.namespace}/jobs/hpcg-700`, { method: 'PUT', body: JSON.stringify(job) });
    expect(put.status).toBe(422);
    expect(((await put.json()) as { message: string }).message).toMatch(/spec.template: Invalid value: field is immutable/);
  });

  it('keeps the exported environment in a Secret owned by the Job, and a user namespace locked down (Pod Security labels, NetworkPolicy)', async () => {
    const job = engineJob(800, '/home/alice', { environment: { DB_PASSWORD: 'hunter2' } }, { owner: OWNER, partition: 'kube' });
    const ref = await engine.submit(job);
    const [ns] = ref.split('/');
    const created = api.store.get('jobs', ns, 'hpcg-800')!;
    expect(created.spec.suspend).toBe(false);
    const owner = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'hpcg-800', uid: created.metadata.uid, blockOwnerDeletion: false }];
    expect(api.store.get('secrets', ns, 'hpcg-800-env')?.metadata.ownerReferences).toEqual(owner);
    expect(api.store.get('configmaps', ns, 'hpcg-800-script')?.metadata.ownerReferences).toEqual(owner);
    expect(Buffer.from(api.store.get('secrets', ns, 'hpcg-800-env')!.data.DB_PASSWORD, 'base64').toString()).toBe('hunter2');
    expect(JSON.stringify(created)).not.toContain('hunter2');
    expect(api.store.get('namespaces', null, ns)?.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' });
    expect(api.store.get('networkpolicies', ns, 'hpcg-jobs')?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // The restricted namespace admitted the pod: the controller created it.
    expect(api.controller.pods(800)).toHaveLength(1);
    expect(api.controller.failedCreates.size).toBe(0);
    // Deleting the Job takes its Secret and ConfigMap with it.
    await engine.cancel(ref, 800, null);
    expect(api.store.get('secrets', ns, 'hpcg-800-env')).toBeNull();
    expect(api.store.get('configmaps', ns, 'hpcg-800-script')).toBeNull();
  });

  it('a crash between creating the Job and its Secret leaves a suspended Job, which a retry completes; a refusal deletes the Job and all it owns', async () => {
    const job = engineJob(810, '/home/alice', { environment: { TOKEN: 't' } }, { owner: OWNER, partition: 'kube' });
    api.failNext('POST', 'secrets', 500, 'etcdserver: request timed out');
    await expect(engine.submit(job)).rejects.toBeInstanceOf(EngineUnavailableError);
    const ns = api.store.list('jobs', null)[0].metadata.namespace as string;
    expect(api.store.get('jobs', ns, 'hpcg-810')?.spec.suspend).toBe(true);
    expect(api.controller.pods(810)).toEqual([]);
    // Not adopted as it is: the retry goes through submit, which finishes the setup.
    expect(await engine.findByTag(job)).toBeNull();
    expect(await engine.submit(job)).toBe(`${ns}/hpcg-810`);
    expect(api.store.get('jobs', ns, 'hpcg-810')?.spec.suspend).toBe(false);
    expect(api.store.get('secrets', ns, 'hpcg-810-env')?.metadata.ownerReferences[0].uid).toBe(api.store.get('jobs', ns, 'hpcg-810')?.metadata.uid);
    expect(api.controller.pods(810)).toHaveLength(1);
    expect(await engine.findByTag(job)).toBe(`${ns}/hpcg-810`);

    const refused = engineJob(820, '/home/alice', { environment: { TOKEN: 't' } }, { owner: OWNER, partition: 'kube' });
    api.failNext('POST', 'secrets', 422, 'Secret "hpcg-820-env" is invalid: data: Too long: must have at most 1048576 bytes');
    await expect(engine.submit(refused)).rejects.toBeInstanceOf(EngineRefusedError);
    expect(api.store.get('jobs', ns, 'hpcg-820')).toBeNull();
    expect(api.store.get('configmaps', ns, 'hpcg-820-script')).toBeNull();
    expect(api.store.get('secrets', ns, 'hpcg-820-env')).toBeNull();
  });

  it('labels a namespace that existed without the Pod Security labels', async () => {
    await engine.submit(engineJob(830, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    const ns = api.store.list('namespaces', null)[0];
    api.store.put('namespaces', { ...ns, metadata: { ...ns.metadata, labels: { 'app.kubernetes.io/managed-by': 'hpc-gateway' } } }, 'MODIFIED');
    const policy = api.store.get('networkpolicies', ns.metadata.name, 'hpcg-jobs')!.metadata.resourceVersion;
    await engine.stop();
    engine = makeEngine();
    await engine.submit(engineJob(831, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    expect(api.store.get('namespaces', null, ns.metadata.name)?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // An unchanged NetworkPolicy is left alone (the client returns its fields in another order: compared as content).
    expect(api.store.get('networkpolicies', ns.metadata.name, 'hpcg-jobs')!.metadata.resourceVersion).toBe(policy);
  });

  it('a restricted namespace refuses privileged, hostPath, nfs, writable-root and unconfined pods (the attacker with "edit" there)', async () => {
    const ref = await engine.submit(engineJob(840, '/home/alice', {}, { owner: OWNER, partition: 'kube' }));
    const [ns] = ref.split('/');
    const good = api.store.get('jobs', ns, 'hpcg-840')!.spec.template.spec;
    const attempt = async (f: (pod: any) => void) => {
      const spec = structuredClone(good);
      f(spec);
      const r = await fetch(`${api.url}/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${Math.random().toString(36).slice(2, 8)}` }, spec }) });
      return [r.status, ((await r.json()) as { message?: string }).message ?? ''] as const;
    };
    expect((await attempt(() => undefined))[0]).toBe(201);
    const refusals = [
      [(p: any) => (p.containers[0].securityContext.privileged = true), /violates PodSecurity "restricted:latest": privileged \(container "job" must not set securityContext.privileged=true\)/],
      [(p: any) => p.volumes.push({ name: 'root', hostPath: { path: '/' } }), /hostPath volumes \(volumes "root"\)/],
      [(p: any) => p.volumes.push({ name: 'data', nfs: { server: 'nfs.example.org', path: '/export' } }), /restricted volume types \(volume "data" uses nfs\)/],
      [(p: any) => (p.containers[0].securityContext.readOnlyRootFilesystem = false), /ValidatingAdmissionPolicy 'hpcg-read-only-root' denied request: readOnlyRootFilesystem != true/],
      [(p: any) => (delete p.securityContext.seccompProfile, delete p.containers[0].securityContext.seccompProfile), /seccompProfile \(container "job" must set securityContext.seccompProfile.type/],
      [(p: any) => (p.containers[0].securityContext.allowPrivilegeEscalation = true), /allowPrivilegeEscalation != false/],
    ] as const;
    for (const [mutate, message] of refusals) {
      const [status, text] = await attempt(mutate);
      expect(status).toBe(403);
      expect(text).toMatch(message);
    }
  });
});
