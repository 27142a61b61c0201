import { kubeError, statusOf } from './kube-errors';

type Obj = Record<string, any>;

/** The three calls of one namespaced kind that creating-or-replacing needs. */
export interface ObjectApi {
  create(body: Obj): Promise<unknown>;
  read(name: string): Promise<unknown>;
  replace(name: string, body: Obj): Promise<unknown>;
}

/**
 * Creates `desired`, or replaces what has its name (left by an earlier attempt, or put there by someone
 * else) with it. With `content`, an existing object whose content already matches is left untouched, so
 * a steady state costs one create and one read. Two workers may put the same object at once: a replace
 * that lost the race (409, stale resourceVersion) reads again, a few times.
 */
export async function putObject(engine: string, kind: string, desired: Obj, api: ObjectApi, content?: (o: Obj) => unknown): Promise<void> {
  const name = desired.metadata.name as string;
  const where = `${kind} ${desired.metadata.namespace}/${name}`;
  try {
    await api.create(desired);
    return;
  } catch (e) {
    if (statusOf(e) !== 409) throw kubeError(engine, `creating ${where}`, e);
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const existing = (await api.read(name)) as Obj;
      if (content && canonical(content(existing)) === canonical(content(desired))) return;
      try {
        await api.replace(name, { ...desired, metadata: { ...desired.metadata, resourceVersion: existing.metadata?.resourceVersion } });
        return;
      } catch (e) {
        if (statusOf(e) !== 409 || attempt >= 5) throw e;
      }
    }
  } catch (e) {
    throw kubeError(engine, `replacing ${where}`, e);
  }
}

/** JSON with object keys sorted: the client library gives objects back with its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}
