import * as k8s from '@kubernetes/client-node';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as job } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as limitRange } from 'kubernetes-models/_schemas/IoK8sApiCoreV1LimitRange';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as pod } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as resourceQuota } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ResourceQuota';
import { validate as roleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import { validate as secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as networkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';

/**
 * Validation of objects against the official Kubernetes OpenAPI schema, in two parts that together do what
 * the API server's decoder does: types, required fields and enums from kubernetes-models 5.1.0 (ajv code
 * generated from the OpenAPI document), and unknown fields (the server's strict field validation) from the
 * attribute tables of @kubernetes/client-node, generated from the same OpenAPI document of its release.
 */
type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[] | null };

export const KINDS: Record<string, { apiVersion: string; validate: Validator; model: string }> = {
  Namespace: { apiVersion: 'v1', validate: namespace as Validator, model: 'V1Namespace' },
  ResourceQuota: { apiVersion: 'v1', validate: resourceQuota as Validator, model: 'V1ResourceQuota' },
  LimitRange: { apiVersion: 'v1', validate: limitRange as Validator, model: 'V1LimitRange' },
  ConfigMap: { apiVersion: 'v1', validate: configMap as Validator, model: 'V1ConfigMap' },
  Pod: { apiVersion: 'v1', validate: pod as Validator, model: 'V1Pod' },
  Job: { apiVersion: 'batch/v1', validate: job as Validator, model: 'V1Job' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', validate: roleBinding as Validator, model: 'V1RoleBinding' },
  Secret: { apiVersion: 'v1', validate: secret as Validator, model: 'V1Secret' },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', validate: networkPolicy as Validator, model: 'V1NetworkPolicy' },
};

export interface SchemaProblem {
  /** `unknown` and `type` are decoding errors (HTTP 400); the rest are validation errors (422). */
  kind: 'unknown' | 'type' | 'invalid';
  path: string;
  message: string;
}

export function schemaProblems(obj: Record<string, any>): SchemaProblem[] {
  const spec = KINDS[obj?.kind];
  if (!spec) return [{ kind: 'invalid', path: 'kind', message: `unsupported kind ${JSON.stringify(obj?.kind)}` }];
  const problems: SchemaProblem[] = [];
  if (obj.apiVersion !== spec.apiVersion) problems.push({ kind: 'invalid', path: 'apiVersion', message: `must be ${spec.apiVersion}` });
  unknownFields(obj, spec.model, '', problems);
  if (!spec.validate(obj)) {
    for (const e of spec.validate.errors ?? []) {
      const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const kind = e.keyword === 'type' || e.keyword === 'format' ? 'type' : 'invalid';
      problems.push({ kind, path, message: `${e.message ?? e.keyword} ${JSON.stringify(e.params)}` });
    }
  }
  return problems;
}

function unknownFields(value: unknown, type: string, path: string, out: SchemaProblem[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1], `${path}.${k}`, out);
    return;
  }
  const model = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>)[type];
  if (!model?.getAttributeTypeMap || typeof value !== 'object' || Array.isArray(value)) return;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const where = path ? `${path}.${k}` : k;
    const fieldType = fields.get(k);
    if (fieldType === undefined) out.push({ kind: 'unknown', path: where, message: `unknown field "${where}"` });
    else unknownFields(v, fieldType, where, out);
  }
}
