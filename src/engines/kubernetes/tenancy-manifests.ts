import type { KubernetesEngineConfig } from '../../config/kubernetes-engine.schema';
import type { JobOwner } from '../engine';
import { ANNOTATION_USERNAME, LABEL_MANAGED_BY, LABEL_USER, MANAGED_BY, namespaceFor, userLabel } from './kubernetes-names';

/** The objects that make a user's namespace (DESIGN.md §2 identity): created on first use, kept in line with the configuration. */
export interface TenancyManifests {
  namespace: Record<string, any>;
  resourceQuota: Record<string, any> | null;
  limitRange: Record<string, any> | null;
  roleBinding: Record<string, any> | null;
  networkPolicy: Record<string, any>;
}

export const QUOTA_NAME = 'hpcg-quota';
export const LIMIT_RANGE_NAME = 'hpcg-limits';
export const ROLE_BINDING_NAME = 'hpcg-user';
export const NETWORK_POLICY_NAME = 'hpcg-jobs';

/**
 * Pod Security admission for the whole namespace: the user's `edit` role there (userRoleBinding) must not
 * let them run a privileged or hostPath pod of their own. warn and audit say the same to kubectl users.
 */
export function podSecurityLabels(version: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'warn', 'audit']) {
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

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
  const np = config.networkPolicy;
  const hard = quotaFor(config, owner.username, groupNames);
  const limits = config.limitRange;
  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels, ...podSecurityLabels(config.podSecurityVersion) }, annotations: { [ANNOTATION_USERNAME]: owner.username } } },
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
    networkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(NETWORK_POLICY_NAME),
      spec: {
        // Every pod of the namespace: the user's own pods too, not only the gateway's.
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        // No ingress rules at all is "deny all" (policyTypes names Ingress); the API server drops an empty list anyway.
        ...(np.ingress.length ? { ingress: [{ from: np.ingress.map(ipBlock) }] } : {}),
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': np.dns.namespace } }, podSelector: { matchLabels: np.dns.podLabels } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          ...(np.gateway.length || np.egress.length ? [{ to: [...np.gateway, ...np.egress].map(ipBlock) }] : []),
        ],
      },
    },
  };
}

function ipBlock(cidr: string): Record<string, any> {
  return { ipBlock: { cidr } };
}

function nonEmpty(maps: Record<string, Record<string, string | number>>): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(maps)
      .filter(([, m]) => Object.keys(m).length > 0)
      .map(([k, m]) => [k, Object.fromEntries(Object.entries(m).map(([r, q]) => [r, String(q)]))]),
  );
}
