import { parseQuantity } from './api-validation';
import type { ObjectStore } from './object-store';

type Obj = Record<string, any>;

/** What one object counts against a ResourceQuota's `hard` keys. */
function usage(resource: string, obj: Obj): Record<string, number> {
  if (resource === 'jobs') return { 'count/jobs.batch': 1 };
  if (resource === 'configmaps') return { configmaps: 1, 'count/configmaps': 1 };
  if (resource !== 'pods') return {};
  const u: Record<string, number> = { pods: 1, 'count/pods': 1 };
  for (const c of obj.spec?.containers ?? []) {
    for (const [kind, map] of [['requests', c.resources?.requests ?? {}], ['limits', c.resources?.limits ?? {}]] as const) {
      for (const [name, q] of Object.entries<string>(map)) {
        const key = `${kind}.${name}`;
        u[key] = (u[key] ?? 0) + parseQuantity(q);
        if (kind === 'requests' && (name === 'cpu' || name === 'memory')) u[name] = (u[name] ?? 0) + parseQuantity(q);
      }
    }
  }
  return u;
}

/** ResourceQuota admission: the message the real server gives when `obj` would exceed a quota, else null. */
export function quotaProblem(store: ObjectStore, resource: string, obj: Obj): string | null {
  const namespace = obj.metadata.namespace;
  const wanted = usage(resource, obj);
  for (const quota of store.list('resourcequotas', namespace)) {
    const used: Record<string, number> = {};
    const live = store.list(resource, namespace).filter((o) => resource !== 'pods' || !['Succeeded', 'Failed'].includes(o.status?.phase));
    for (const o of live) for (const [k, v] of Object.entries(usage(resource, o))) used[k] = (used[k] ?? 0) + v;
    const over = Object.entries(wanted).filter(([k, v]) => quota.spec.hard[k] !== undefined && (used[k] ?? 0) + v > parseQuantity(quota.spec.hard[k]));
    if (over.length) {
      const list = (f: (k: string, v: number) => string) => over.map(([k, v]) => f(k, v)).join(',');
      return `exceeded quota: ${quota.metadata.name}, requested: ${list((k, v) => `${k}=${v}`)}, used: ${list((k) => `${k}=${used[k] ?? 0}`)}, limited: ${list((k) => `${k}=${quota.spec.hard[k]}`)}`;
    }
  }
  return null;
}
