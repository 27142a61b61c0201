import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { validateObject } from './api-validation';
import { JobController } from './job-controller';
import { ObjectStore } from './object-store';
import { podSecurityRefusal, readOnlyRootViolations, restrictedViolations } from './pod-security-admission';
import { ProcessKubelet } from './process-kubelet';
import { quotaProblem } from './quota-admission';

type Obj = Record<string, any>;

/** Resource → kind, API group path, namespaced. */
const RESOURCES: Record<string, { kind: string; group: string }> = {
  namespaces: { kind: 'Namespace', group: '/api/v1' },
  resourcequotas: { kind: 'ResourceQuota', group: '/api/v1' },
  limitranges: { kind: 'LimitRange', group: '/api/v1' },
  configmaps: { kind: 'ConfigMap', group: '/api/v1' },
  secrets: { kind: 'Secret', group: '/api/v1' },
  networkpolicies: { kind: 'NetworkPolicy', group: '/apis/networking.k8s.io/v1' },
  pods: { kind: 'Pod', group: '/api/v1' },
  jobs: { kind: 'Job', group: '/apis/batch/v1' },
  rolebindings: { kind: 'RoleBinding', group: '/apis/rbac.authorization.k8s.io/v1' },
};

const PATH = /^(\/api\/v1|\/apis\/batch\/v1|\/apis\/rbac\.authorization\.k8s\.io\/v1|\/apis\/networking\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(log))?$/;

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An HTTP emulation of the Kubernetes API endpoints the gateway uses (issue 6, "How it is tested"), for the
 * real @kubernetes/client-node to talk to. It refuses what a real API server refuses for these objects:
 * schema (400 for unknown fields and wrong types with fieldValidation=Strict, 422 for invalid values),
 * immutable Job fields (422), missing namespaces (404), ResourceQuota (403 "exceeded quota"), Pod Security
 * admission of namespaces labelled `pod-security.kubernetes.io/enforce: restricted` (403 for pods, a
 * Warning header for Jobs whose template would violate it, as the real server; plus the project's own
 * read-only root file system rule), and watches from compacted versions (410). Pods are created by an emulated Job controller; their progress is decided
 * by the test (see JobController).
 */
export class EmulatedApiServer {
  readonly store = new ObjectStore();
  readonly controller = new JobController(this.store, (pod) => podSecurityRefusal(this.store.get('namespaces', null, pod.metadata.namespace), pod));
  /** Runs pods as local processes once started (end-to-end tests); otherwise the test drives them. */
  readonly kubelet = new ProcessKubelet(this.store, this.controller);
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Answers the test wants for the next matching requests (a crash-like 500, a refusal), in order. */
  private readonly faults: { method: string; resource: string; code: number; message: string }[] = [];
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Unreachable, as when the API server is down: the port refuses connections and open watches break. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  }

  /** The next `method` on `resource` is answered with this status instead of being carried out. */
  failNext(method: string, resource: string, code: number, message: string): void {
    this.faults.push({ method, resource, code, message });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A kubeconfig for this server, as a site writes one. */
  kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: emulated, cluster: { server: "' + this.url + '", insecure-skip-tls-verify: true } }]',
      'users: [{ name: gateway, user: { token: "emulated-token" } }]',
      'contexts: [{ name: research, context: { cluster: emulated, user: gateway } }]',
      'current-context: research',
      '',
    ].join('\n');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/version') return send(res, 200, { major: '1', minor: '34', gitVersion: 'v1.34.0-emulated' });
      const m = PATH.exec(url.pathname);
      if (!m || !RESOURCES[m[3]] || RESOURCES[m[3]].group !== m[1]) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${req.method} ${url.pathname})`);
      const [, , namespace = null, resource, name = null, sub] = m;
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : null;
      const fault = this.faults.findIndex((f) => f.method === req.method && f.resource === resource);
      if (fault >= 0) {
        const [f] = this.faults.splice(fault, 1);
        throw new ApiError(f.code, f.code === 422 ? 'Invalid' : 'InternalError', f.message);
      }
      if (namespace && resource !== 'namespaces' && !this.store.get('namespaces', null, namespace)) throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`);
      const q = url.searchParams;
      if (req.method === 'GET' && sub === 'log') return this.log(res, namespace!, name!, q);
      if (req.method === 'GET' && !name && (q.get('watch') === 'true' || q.get('watch') === '1')) return this.watch(req, res, resource, namespace, q);
      if (req.method === 'GET' && !name) return send(res, 200, { kind: `${RESOURCES[resource].kind}List`, apiVersion: apiVersion(resource), metadata: { resourceVersion: String(this.store.resourceVersion) }, items: this.store.list(resource, namespace).filter((o) => matches(o, q.get('labelSelector'))) });
      if (req.method === 'GET') return send(res, 200, this.found(resource, namespace, name!));
      if (req.method === 'POST') return send(res, 201, this.create(resource, namespace, body as Obj, q), this.warnings(resource, namespace, body as Obj));
      if (req.method === 'PUT') return send(res, 200, this.replace(resource, namespace, name!, body as Obj, q));
      if (req.method === 'DELETE' && name) return send(res, 200, this.delete(resource, namespace, name));
      if (req.method === 'DELETE' && resource === 'pods') {
        for (const p of this.store.list('pods', namespace).filter((o) => matches(o, q.get('labelSelector')))) this.controller.deletePod(p);
        return send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} });
      }
      throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
    } catch (e) {
      if (e instanceof ApiError) return send(res, e.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code });
      send(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (e as Error).message, reason: 'InternalError', code: 500 });
    }
  }

  private found(resource: string, namespace: string | null, name: string): Obj {
    const o = this.store.get(resource, namespace, name);
    if (!o) throw new ApiError(404, 'NotFound', `${resource} "${name}" not found`);
    return o;
  }

  private admit(resource: string, namespace: string | null, body: Obj, q: URLSearchParams): Obj {
    if (body?.kind !== RESOURCES[resource].kind) throw new ApiError(400, 'BadRequest', `the object's kind ${body?.kind} does not match the resource ${resource}`);
    const problems = validateObject(body);
    const decoding = problems.filter((p) => p.kind !== 'invalid');
    // Unknown fields are an error only with strict field validation (the default warns and drops them).
    const fatalDecoding = decoding.filter((p) => p.kind === 'type' || q.get('fieldValidation') === 'Strict');
    if (fatalDecoding.length) throw new ApiError(400, 'BadRequest', `strict decoding error: ${fatalDecoding.map((p) => p.message + (p.kind === 'type' ? ` at ${p.path}` : '')).join(', ')}`);
    const invalid = problems.filter((p) => p.kind === 'invalid');
    if (invalid.length) throw new ApiError(422, 'Invalid', `${body.kind} "${body.metadata?.name}" is invalid: ${invalid.map((p) => `${p.path}: ${p.message}`).join(', ')}`);
    if (namespace && body.metadata.namespace && body.metadata.namespace !== namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    return { ...body, metadata: { ...body.metadata, ...(namespace ? { namespace } : {}) } };
  }

  private create(resource: string, namespace: string | null, body: Obj, q: URLSearchParams): Obj {
    const obj = this.admit(resource, namespace, body, q);
    if (this.store.get(resource, namespace, obj.metadata.name)) throw new ApiError(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
    const quota = quotaProblem(this.store, resource, obj);
    if (quota) throw new ApiError(403, 'Forbidden', `${resource} "${obj.metadata.name}" is forbidden: ${quota}`);
    const security = resource === 'pods' ? podSecurityRefusal(this.store.get('namespaces', null, obj.metadata.namespace), obj) : null;
    if (security) throw new ApiError(403, 'Forbidden', security);
    if (resource === 'jobs') return this.controller.createJob(obj);
    return this.store.put(resource, obj, 'ADDED');
  }

  private replace(resource: string, namespace: string | null, name: string, body: Obj, q: URLSearchParams): Obj {
    const old = this.found(resource, namespace, name);
    const obj = this.admit(resource, namespace, body, q);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    if (resource === 'jobs') {
      for (const field of ['template', 'selector', 'completionMode', 'completions'] as const) {
        if (JSON.stringify(obj.spec[field] ?? null) !== JSON.stringify(old.spec[field] ?? null)) throw new ApiError(422, 'Invalid', `Job.batch "${name}" is invalid: spec.${field}: Invalid value: field is immutable`);
      }
      obj.status = old.status;
      const stored = this.store.put(resource, { ...obj, metadata: { ...obj.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp } }, 'MODIFIED');
      // A Job let out of suspension gets its pods.
      this.controller.reconcile(stored.metadata.namespace, name);
      return this.store.get(resource, namespace, name)!;
    }
    return this.store.put(resource, { ...obj, metadata: { ...obj.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp } }, 'MODIFIED');
  }

  private delete(resource: string, namespace: string | null, name: string): Obj {
    const old = this.found(resource, namespace, name);
    if (resource === 'jobs') this.controller.deleteJob(old);
    else if (resource === 'pods') this.controller.deletePod(old);
    else this.store.remove(resource, namespace, name);
    return { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {}, details: { name, kind: resource } };
  }

  /** What the real server says, beside admitting it, about a Job whose pods a restricted namespace will refuse. */
  private warnings(resource: string, namespace: string | null, body: Obj): string[] {
    if (resource !== 'jobs' || !namespace) return [];
    const labels = this.store.get('namespaces', null, namespace)?.metadata?.labels ?? {};
    if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') return [];
    const version = labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest';
    const pod = body.spec?.template?.spec ?? {};
    return [...restrictedViolations(pod).map((v) => `would violate PodSecurity "restricted:${version}": ${v}`), ...readOnlyRootViolations(pod)];
  }

  private log(res: ServerResponse, namespace: string, name: string, q: URLSearchParams): void {
    const pod = this.found('pods', namespace, name);
    if (pod.status?.phase === 'Pending') throw new ApiError(400, 'BadRequest', `container "job" in pod "${name}" is waiting to start: ContainerCreating`);
    let log = this.controller.logOf(pod);
    const tail = q.get('tailLines');
    if (tail !== null) log = log.split(/(?<=\n)/).slice(-Number(tail)).join('');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(log);
  }

  private watch(req: IncomingMessage, res: ServerResponse, resource: string, namespace: string | null, q: URLSearchParams): void {
    const selector = q.get('labelSelector');
    const since = q.get('resourceVersion');
    const write = (type: string, object: Obj) => res.write(JSON.stringify({ type, object }) + '\n');
    const relevant = (o: Obj) => (namespace === null || o.metadata.namespace === namespace) && matches(o, selector);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // As the real server: the response starts at once, not with the first event (a quiet watch is still connected).
    res.flushHeaders();
    if (since && since !== '0') {
      const events = this.store.eventsSince(resource, Number(since));
      if (events === null) {
        write('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${since} (${this.store.oldestWatchable})`, reason: 'Expired', code: 410 });
        res.end();
        return;
      }
      for (const e of events) if (relevant(e.object)) write(e.type, e.object);
    } else {
      for (const o of this.store.list(resource, namespace)) if (relevant(o)) write('ADDED', o);
    }
    const unsubscribe = this.store.subscribe((r, e) => {
      if (r === resource && relevant(e.object)) write(e.type, e.object);
    });
    req.on('close', unsubscribe);
  }
}

function apiVersion(resource: string): string {
  return RESOURCES[resource].group.replace(/^\/apis?\//, '');
}

/** Equality and existence selectors (`a=b,c`), the forms the gateway uses. */
export function matches(o: Obj, selector: string | null): boolean {
  if (!selector) return true;
  const labels = o.metadata?.labels ?? {};
  return selector.split(',').every((term) => {
    const [k, v] = term.split(/==?/);
    return v === undefined ? k in labels : labels[k] === v;
  });
}

function send(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  res.writeHead(code, { 'content-type': 'application/json', ...(warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {}) });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Obj> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString() || 'null');
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `json: ${(e as Error).message}`);
  }
}
