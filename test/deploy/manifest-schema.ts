import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as serviceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as podDisruptionBudget } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as clusterRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole';
import { validate as clusterRoleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRoleBinding';
import { validateObject } from '../kubernetes/api-validation';
import { KINDS, type SchemaProblem } from '../kubernetes/openapi-schema';

type Validator = (typeof KINDS)[string]['validate'];

/**
 * The kinds a deployment has beyond those the Kubernetes engine sends, added to the project's one
 * validator (test/kubernetes/openapi-schema.ts: kubernetes-models' schema plus strict unknown-field
 * checks from @kubernetes/client-node's models), which is used as it is (Secret and NetworkPolicy are already there: the engine sends them).
 */
const DEPLOYMENT_KINDS: typeof KINDS = {
  Deployment: { apiVersion: 'apps/v1', validate: deployment as Validator, model: 'V1Deployment' },
  Service: { apiVersion: 'v1', validate: service as Validator, model: 'V1Service' },
  ServiceAccount: { apiVersion: 'v1', validate: serviceAccount as Validator, model: 'V1ServiceAccount' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', validate: podDisruptionBudget as Validator, model: 'V1PodDisruptionBudget' },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', validate: clusterRole as Validator, model: 'V1ClusterRole' },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', validate: clusterRoleBinding as Validator, model: 'V1ClusterRoleBinding' },
};
Object.assign(KINDS, DEPLOYMENT_KINDS);

/** Every problem the API server would report for this object (schema, unknown fields, names, labels, Job rules). */
export function manifestProblems(obj: Record<string, any>): SchemaProblem[] {
  return validateObject(obj.kind === 'Secret' ? asDecoded(obj) : obj);
}

/**
 * kustomize wraps long base64 values of a Secret's `data` at 76 characters. The API server decodes them
 * with Go's encoding/base64, which skips line breaks; the schema's `byte` pattern does not, so they go
 * to the schema as the server reads them.
 */
function asDecoded(secret: Record<string, any>): Record<string, any> {
  const data = Object.fromEntries(Object.entries<string>(secret.data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...secret, ...(secret.data ? { data } : {}) };
}
