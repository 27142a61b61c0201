import { randomUUID } from 'node:crypto';

type Obj = Record<string, any>;
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
  rv: number;
}

/**
 * The emulated etcd: objects by resource, one global resourceVersion counter, and a bounded event history
 * for watches. A watch from a version older than the history answers 410 Gone, as the real server does.
 */
export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private history: { resource: string; event: WatchEvent }[] = [];
  private oldest = 1;
  private readonly listeners = new Set<(resource: string, e: WatchEvent) => void>();

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestWatchable(): number {
    return this.oldest;
  }

  /** In creation order: a Map keeps insertion order, and an update keeps an object's place. */
  list(resource: string, namespace: string | null): Obj[] {
    return [...(this.objects.get(resource)?.values() ?? [])].filter((o) => namespace === null || o.metadata.namespace === namespace).map((o) => structuredClone(o));
  }

  get(resource: string, namespace: string | null, name: string): Obj | null {
    const o = this.objects.get(resource)?.get(`${namespace ?? ''}/${name}`);
    return o ? structuredClone(o) : null;
  }

  put(resource: string, obj: Obj, type: 'ADDED' | 'MODIFIED'): Obj {
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    if (type === 'ADDED') {
      stored.metadata.uid = randomUUID();
      stored.metadata.creationTimestamp = new Date().toISOString();
    }
    if (!this.objects.has(resource)) this.objects.set(resource, new Map());
    this.objects.get(resource)!.set(`${stored.metadata.namespace ?? ''}/${stored.metadata.name}`, stored);
    this.emit(resource, { type, object: stored, rv: this.rv });
    return structuredClone(stored);
  }

  remove(resource: string, namespace: string | null, name: string): Obj | null {
    const key = `${namespace ?? ''}/${name}`;
    const o = this.objects.get(resource)?.get(key);
    if (!o) return null;
    this.objects.get(resource)!.delete(key);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit(resource, { type: 'DELETED', object: o, rv: this.rv });
    return structuredClone(o);
  }

  /** Events after `since` for a resource; null when `since` is older than the history kept (410). */
  eventsSince(resource: string, since: number): WatchEvent[] | null {
    if (since < this.oldest - 1) return null;
    return this.history.filter((h) => h.resource === resource && h.event.rv > since).map((h) => h.event);
  }

  /** Forget history, as etcd compaction does: older watches get 410 Gone. */
  compact(): void {
    this.history = [];
    this.oldest = this.rv + 1;
  }

  subscribe(fn: (resource: string, e: WatchEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(resource: string, event: WatchEvent): void {
    this.history.push({ resource, event: { ...event, object: structuredClone(event.object) } });
    for (const l of this.listeners) l(resource, { ...event, object: structuredClone(event.object) });
  }
}
