import { CoreV1Api, NetworkingV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { EngineRefusedError } from '../engine-errors';
import { kubeError, statusOf } from './kube-errors';
import { putObject } from './put-object';
import { ANNOTATION_USERNAME } from './kubernetes-names';
import type { TenancyManifests } from './tenancy-manifests';

type Obj = Record<string, any>;

/**
 * Makes a user's namespace match the configuration: created on first use, its Pod Security labels, quota /
 * limit range / role binding / network policy replaced when the configuration changed. Done once per process and user for a given content,
 * so a changed configuration reaches every namespace on its owner's next job.
 */
export class UserNamespaces {
  private readonly applied = new Map<string, string>();

  constructor(
    private readonly engine: string,
    private readonly core: CoreV1Api,
    private readonly rbac: RbacAuthorizationV1Api,
    private readonly networking: NetworkingV1Api,
  ) {}

  async ensure(t: TenancyManifests): Promise<void> {
    const name = t.namespace.metadata.name as string;
    const fingerprint = JSON.stringify(t);
    if (this.applied.get(name) === fingerprint) return;
    await this.ensureNamespace(t.namespace);
    const ns = name;
    if (t.resourceQuota) await putObject(this.engine, 'ResourceQuota', t.resourceQuota, {
      read: (n) => this.core.readNamespacedResourceQuota({ name: n, namespace: ns }),
      create: (body) => this.core.createNamespacedResourceQuota({ namespace: ns, body, fieldValidation: 'Strict' }),
      replace: (n, body) => this.core.replaceNamespacedResourceQuota({ name: n, namespace: ns, body, fieldValidation: 'Strict' }),
    }, (o) => o.spec);
    if (t.limitRange) await putObject(this.engine, 'LimitRange', t.limitRange, {
      read: (n) => this.core.readNamespacedLimitRange({ name: n, namespace: ns }),
      create: (body) => this.core.createNamespacedLimitRange({ namespace: ns, body, fieldValidation: 'Strict' }),
      replace: (n, body) => this.core.replaceNamespacedLimitRange({ name: n, namespace: ns, body, fieldValidation: 'Strict' }),
    }, (o) => o.spec);
    if (t.roleBinding) await putObject(this.engine, 'RoleBinding', t.roleBinding, {
      read: (n) => this.rbac.readNamespacedRoleBinding({ name: n, namespace: ns }),
      create: (body) => this.rbac.createNamespacedRoleBinding({ namespace: ns, body: body as never, fieldValidation: 'Strict' }),
      replace: (n, body) => this.rbac.replaceNamespacedRoleBinding({ name: n, namespace: ns, body: body as never, fieldValidation: 'Strict' }),
    }, (o) => ({ roleRef: o.roleRef, subjects: o.subjects }));
    await putObject(this.engine, 'NetworkPolicy', t.networkPolicy, {
      read: (n) => this.networking.readNamespacedNetworkPolicy({ name: n, namespace: ns }),
      create: (body) => this.networking.createNamespacedNetworkPolicy({ namespace: ns, body: body as never, fieldValidation: 'Strict' }),
      replace: (n, body) => this.networking.replaceNamespacedNetworkPolicy({ name: n, namespace: ns, body: body as never, fieldValidation: 'Strict' }),
    }, (o) => o.spec);
    this.applied.set(name, fingerprint);
  }

  private async ensureNamespace(desired: Obj): Promise<void> {
    const name = desired.metadata.name as string;
    try {
      await this.core.createNamespace({ body: desired, fieldValidation: 'Strict' });
      return;
    } catch (e) {
      if (statusOf(e) !== 409) throw kubeError(this.engine, `creating namespace ${name}`, e);
    }
    let existing: Obj;
    try {
      existing = (await this.core.readNamespace({ name })) as Obj;
    } catch (e) {
      throw kubeError(this.engine, `reading namespace ${name}`, e);
    }
    const owner = existing.metadata?.annotations?.[ANNOTATION_USERNAME];
    const wanted = desired.metadata.annotations[ANNOTATION_USERNAME];
    // Never run a user's job in a namespace that belongs to someone (or something) else; only an
    // administrator can change that, so the job fails with the reason instead of waiting unseen.
    if (owner !== wanted) {
      throw new EngineRefusedError(this.engine, `namespace ${name} exists on engine ${this.engine} but belongs to ${owner ? `user ${owner}` : 'no gateway user'}; refusing to run ${wanted}'s job there`, { details: { namespace: name }, policy: true });
    }
    // A namespace created before the gateway set these labels (or changed by someone since) gets them back;
    // another worker doing the same at once makes the replace conflict (409): read again.
    for (let attempt = 1; ; attempt++) {
      const labels: Record<string, string> = existing.metadata?.labels ?? {};
      const missing = Object.entries<string>(desired.metadata.labels).filter(([k, v]) => labels[k] !== v);
      if (missing.length === 0) return;
      try {
        await this.core.replaceNamespace({ name, body: { ...existing, metadata: { ...existing.metadata, labels: { ...labels, ...Object.fromEntries(missing) } } } as never, fieldValidation: 'Strict' });
        return;
      } catch (e) {
        if (statusOf(e) !== 409 || attempt >= 5) throw kubeError(this.engine, `labelling namespace ${name}`, e);
      }
      try {
        existing = (await this.core.readNamespace({ name })) as Obj;
      } catch (e) {
        throw kubeError(this.engine, `reading namespace ${name}`, e);
      }
    }
  }
}

