import { Watch } from '@kubernetes/client-node';
import type { EngineLogger } from '../shared/engine-logger';

type Obj = Record<string, any>;

export interface WatchCacheOptions {
  what: string;
  /** List all objects with the selector; returns items and the list's resourceVersion. */
  list: () => Promise<{ items: Obj[]; metadata?: { resourceVersion?: string } }>;
  watch: Watch;
  /** Cluster-wide collection path, e.g. /apis/batch/v1/jobs. */
  path: string;
  labelSelector: string;
  logger: EngineLogger;
  retryMs: number;
}

/**
 * One list + watch over one kind (DESIGN.md §6.4: status costs O(1) calls, whatever the number of jobs):
 * resumes from the last resourceVersion after a dropped connection, lists again when the server answers
 * 410 Gone (the version is too old). Deleted objects stay as tombstones so a cancel is seen after the fact.
 */
export class WatchCache {
  readonly items = new Map<string, Obj>();
  readonly tombstones = new Map<string, Obj>();
  private resourceVersion: string | null = null;
  private synced = false;
  private stopped = false;
  private abort: AbortController | null = null;
  private wake: (() => void) | null = null;
  lastError: string | null = null;

  constructor(private readonly opts: WatchCacheOptions) {}

  /** True while the cache reflects the server (listed, and the watch connected). */
  get ready(): boolean {
    return this.synced;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === null) await this.relist();
        const ended = await this.watchOnce();
        if (ended === 'gone') {
          this.opts.logger.info({ what: this.opts.what }, 'watch version expired (410 Gone); listing again');
          this.resourceVersion = null;
          continue;
        }
      } catch (e) {
        this.synced = false;
        const message = (e as Error).message;
        if (message !== this.lastError) this.opts.logger.warn({ what: this.opts.what, err: message }, 'Kubernetes watch failed; retrying');
        this.lastError = message;
      }
      if (!this.stopped) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, this.opts.retryMs)));
    }
  }

  private async relist(): Promise<void> {
    const list = await this.opts.list();
    this.items.clear();
    for (const item of list.items) this.items.set(key(item), item);
    this.resourceVersion = list.metadata?.resourceVersion ?? null;
  }

  /** Resolves when the stream ends: 'gone' when the server says the version is too old. */
  private watchOnce(): Promise<'ended' | 'gone'> {
    return new Promise((resolve, reject) => {
      let gone = false;
      // Watch.watch() reports a failed connection through `done` and then still resolves with its controller:
      // the connection counts as up only if `done` has not been called by then.
      let finished = false;
      const params = { labelSelector: this.opts.labelSelector, allowWatchBookmarks: true, resourceVersion: this.resourceVersion ?? undefined };
      this.opts.watch
        .watch(
          this.opts.path,
          params,
          (type: string, obj: Obj) => {
            if (type === 'ERROR') {
              if (obj?.code === 410) gone = true;
              else this.opts.logger.warn({ what: this.opts.what, status: obj }, 'watch error event');
              this.abort?.abort();
              return;
            }
            const rv = obj?.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
            if (type === 'BOOKMARK') return;
            if (type === 'DELETED') {
              this.items.delete(key(obj));
              this.tombstones.set(key(obj), obj);
            } else this.items.set(key(obj), obj);
          },
          (err: unknown) => {
            finished = true;
            this.synced = false;
            // An expired version comes as an ERROR event in the stream, or as the response's own status.
            if (gone || (err as { statusCode?: number } | null)?.statusCode === 410) resolve('gone');
            else if (err && !(err as Error).name?.includes('Abort')) reject(err);
            else resolve('ended');
          },
        )
        .then((controller) => {
          this.abort = controller;
          if (finished) return;
          this.synced = true;
          this.lastError = null;
        }, reject);
    });
  }
}

export function key(o: Obj): string {
  return `${o.metadata?.namespace}/${o.metadata?.name}`;
}
