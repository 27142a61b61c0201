import { schemaProblems, SchemaProblem } from './openapi-schema';

/**
 * The API server's checks beyond the OpenAPI schema that matter for the objects the gateway sends
 * (k8s.io/kubernetes pkg/apis/core/validation and pkg/apis/batch/validation): names, labels, quantities,
 * env names, volume references and the Job rules on restart policy, Indexed completions and failure policy.
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei|[eE][+-]?[0-9]+)?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function validateObject(obj: Record<string, any>): SchemaProblem[] {
  const problems = schemaProblems(obj);
  if (problems.length) return problems;
  const out: SchemaProblem[] = [];
  const bad = (path: string, message: string) => out.push({ kind: 'invalid', path, message });
  const meta = obj.metadata ?? {};
  const nameRule = obj.kind === 'Namespace' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!meta.name || meta.name.length > (obj.kind === 'Namespace' ? 63 : 253) || !nameRule.test(meta.name)) bad('metadata.name', `Invalid value: ${JSON.stringify(meta.name)}: a lowercase RFC 1123 name`);
  for (const [k, v] of Object.entries<string>(meta.labels ?? {})) labelProblems(`metadata.labels`, k, v, bad);
  if (obj.kind === 'Pod') podSpecProblems(obj.spec, 'spec', bad);
  if (obj.kind === 'Job') jobProblems(obj, bad);
  if (obj.kind === 'ResourceQuota') for (const [k, v] of Object.entries(obj.spec?.hard ?? {})) if (!QUANTITY.test(String(v))) bad(`spec.hard[${k}]`, 'must be a quantity');
  return out;
}

function labelProblems(path: string, key: string, value: string, bad: (p: string, m: string) => void): void {
  const [prefix, name] = key.includes('/') ? key.split('/', 2) : [null, key];
  if ((prefix !== null && !DNS_SUBDOMAIN.test(prefix)) || !name || name.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name)) bad(`${path}`, `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
  if (value.length > 63 || !LABEL_VALUE.test(value)) bad(`${path}`, `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`);
}

function jobProblems(job: Record<string, any>, bad: (p: string, m: string) => void): void {
  const spec = job.spec;
  const pod = spec.template?.spec;
  for (const [k, v] of Object.entries<string>(spec.template?.metadata?.labels ?? {})) labelProblems('spec.template.metadata.labels', k, v, bad);
  if (!['Never', 'OnFailure'].includes(pod?.restartPolicy)) bad('spec.template.spec.restartPolicy', 'Unsupported value: only "OnFailure", "Never" are supported');
  if (spec.podFailurePolicy && pod?.restartPolicy !== 'Never') bad('spec.template.spec.restartPolicy', 'Invalid value: only "Never" is supported when podFailurePolicy is specified');
  const indexed = spec.completionMode === 'Indexed';
  if (indexed && typeof spec.completions !== 'number') bad('spec.completions', 'Required value: when completion mode is Indexed');
  if (spec.backoffLimitPerIndex !== undefined && !indexed) bad('spec.backoffLimitPerIndex', 'Invalid value: requires indexed completion mode');
  for (const [field, value] of [['parallelism', spec.parallelism], ['completions', spec.completions], ['backoffLimit', spec.backoffLimit], ['ttlSecondsAfterFinished', spec.ttlSecondsAfterFinished]] as const) {
    if (value !== undefined && value < 0) bad(`spec.${field}`, 'Invalid value: must be greater than or equal to 0');
  }
  (spec.podFailurePolicy?.rules ?? []).forEach((r: Record<string, any>, i: number) => {
    if (r.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) bad(`spec.podFailurePolicy.rules[${i}].action`, 'Forbidden: FailIndex requires backoffLimitPerIndex');
    if (!!r.onExitCodes === !!r.onPodConditions) bad(`spec.podFailurePolicy.rules[${i}]`, 'Invalid value: exactly one of onExitCodes and onPodConditions is required');
    if (r.onExitCodes?.operator === 'In' && r.onExitCodes.values.includes(0)) bad(`spec.podFailurePolicy.rules[${i}].onExitCodes.values`, 'Invalid value: 0 is not allowed for the In operator');
  });
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) bad('spec.activeDeadlineSeconds', 'must be greater than 0');
  if (pod) podSpecProblems(pod, 'spec.template.spec', bad);
}

function podSpecProblems(pod: Record<string, any>, path: string, bad: (p: string, m: string) => void): void {
  const volumes = new Set<string>();
  (pod.volumes ?? []).forEach((v: Record<string, any>, i: number) => {
    if (!DNS_LABEL.test(v.name)) bad(`${path}.volumes[${i}].name`, 'Invalid value: a lowercase RFC 1123 label');
    if (volumes.has(v.name)) bad(`${path}.volumes[${i}].name`, `Duplicate value: "${v.name}"`);
    volumes.add(v.name);
    if (Object.keys(v).filter((k) => k !== 'name').length !== 1) bad(`${path}.volumes[${i}]`, 'Forbidden: may not specify more than 1 volume type');
  });
  if (pod.activeDeadlineSeconds !== undefined && pod.activeDeadlineSeconds <= 0) bad(`${path}.activeDeadlineSeconds`, 'must be greater than 0');
  (pod.containers ?? []).forEach((c: Record<string, any>, i: number) => {
    const where = `${path}.containers[${i}]`;
    if (!DNS_LABEL.test(c.name)) bad(`${where}.name`, 'Invalid value: a lowercase RFC 1123 label');
    (c.env ?? []).forEach((e: Record<string, any>, j: number) => {
      if (!ENV_NAME.test(e.name)) bad(`${where}.env[${j}].name`, 'Invalid value: a valid environment variable name');
      if (e.value !== undefined && e.valueFrom !== undefined) bad(`${where}.env[${j}].valueFrom`, 'Invalid value: may not be specified when `value` is not empty');
    });
    const mountPaths = new Set<string>();
    (c.volumeMounts ?? []).forEach((m: Record<string, any>, j: number) => {
      if (!volumes.has(m.name)) bad(`${where}.volumeMounts[${j}].name`, `Not found: "${m.name}"`);
      if (mountPaths.has(m.mountPath)) bad(`${where}.volumeMounts[${j}].mountPath`, 'Invalid value: must be unique');
      mountPaths.add(m.mountPath);
    });
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const [k, v] of Object.entries({ ...requests, ...limits })) if (!QUANTITY.test(String(v))) bad(`${where}.resources[${k}]`, 'must be a quantity');
    for (const [k, v] of Object.entries(requests)) {
      if (limits[k] !== undefined && parseQuantity(String(v)) > parseQuantity(String(limits[k]))) bad(`${where}.resources.requests[${k}]`, `Invalid value: must be less than or equal to ${k} limit`);
      if (!k.startsWith('cpu') && !k.startsWith('memory') && !k.includes('ephemeral') && k.includes('/') && limits[k] !== v) bad(`${where}.resources.requests[${k}]`, 'Invalid value: must be equal to limit for extended resources');
    }
  });
}

const SUFFIX: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A Kubernetes quantity as a number (cores, bytes, units). */
export function parseQuantity(q: string | number): number {
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return NaN;
  return Number(m[1]) * (SUFFIX[m[2]] ?? (m[2] === '' ? 1 : NaN));
}
