import type { KubernetesEngineConfig } from '../../config/kubernetes-engine.schema';
import type { JobOwner } from '../engine';
import { ANNOTATION_USERNAME, LABEL_MANAGED_BY, LABEL_USER, MANAGED_BY, namespaceFor, userLabel } from './kubernetes-names';

/** The objects that make a user's namespace (DESIGN.md §2 identity): created on first use, kept in line with the configuration. */
export interface TenancyManifests {
  namespace: Record<string, any>;
  resourceQuota: Record<string, any> | null;
  limitRange: Record<string, any> | null;
  roleBinding: Record<string, any> | null;
}

export const QUOTA_NAME = 'hpcg-quota';
export const LIMIT_RANGE_NAME = 'hpcg-limits';
export const ROLE_BINDING_NAME = 'hpcg-user';

/**
 * Quota for a user: the default, then each of their groups in order, then their own entry; later keys
 * win. Group names come from the directory (owner.groups carries gids, so groups are matched by name in
 * `groupNames`).
 */
export function quotaFor(config: KubernetesEngineConfig, username: string, groupNames: string[]): Record<string, string> {
  const hard: Record<string, string | number> = { ...config.quota.default };
  for (const g of groupNames) Object.assign(hard, config.quota.groups[g] ?? {});
  Object.assign(hard, config.quota.users[username] ?? {});
  return Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)]));
}

export function tenancyManifests(config: KubernetesEngineConfig, owner: JobOwner, groupNames: string[] = []): TenancyManifests {
  const name = namespaceFor(config.namespacePrefix, owner.username);
  const labels = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_USER]: userLabel(owner.username) };
  const meta = (objectName: string) => ({ name: objectName, namespace: name, labels });
  const hard = quotaFor(config, owner.username, groupNames);
  const limits = config.limitRange;
  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations: { [ANNOTATION_USERNAME]: owner.username } } },
    resourceQuota: Object.keys(hard).length ? { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta(QUOTA_NAME), spec: { hard } } : null,
    limitRange: limits
      ? {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: meta(LIMIT_RANGE_NAME),
          spec: { limits: [{ type: 'Container', ...nonEmpty({ defaultRequest: limits.defaultRequest, default: limits.default, max: limits.max }) }] },
        }
      : null,
    roleBinding: config.userRoleBinding
      ? {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: meta(ROLE_BINDING_NAME),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: config.userRoleBinding.clusterRole },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: owner.username }],
        }
      : null,
  };
}

function nonEmpty(maps: Record<string, Record<string, string | number>>): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(maps)
      .filter(([, m]) => Object.keys(m).length > 0)
      .map(([k, m]) => [k, Object.fromEntries(Object.entries(m).map(([r, q]) => [r, String(q)]))]),
  );
}
