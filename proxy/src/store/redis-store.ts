import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { LEGACY_KEY_PREFIX } from '../config/load-config';
import type { RouteData } from '../routing/route';
import { cleanRoutePath } from '../routing/route-path';
import { RouteTable, RouteTargetError } from '../routing/route-table';
import { RouteStore, StoreStatus, StoreUnavailableError, StoredRoute } from './route-store';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** The prefix was derived from the API token (no proxy.http.redis.keyPrefix): look for a table under the old default. */
  keyPrefixDerived?: boolean;
  resyncMs: number;
  activityFlushMs: number;
  /** How long start() waits for Redis before giving up. */
  connectTimeoutMs?: number;
}

/** A change published to the other replicas. */
type ChangeMessage =
  | { op: 'set'; path: string; data: RouteData; lastActivity: number; origin: string }
  | { op: 'remove'; path: string; origin: string };

/** Raises a route's stored activity, never lowers it, and never for a route deleted meanwhile. */
const RAISE_ACTIVITY = `
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
    if tonumber(ARGV[i + 1]) > current then
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    end
  end
end
return 0
`;

const FLUSH_BATCH = 500;

type RedisWithActivity = Redis & { hpcgRaiseActivity(activityKey: string, routesKey: string, ...args: (string | number)[]): Promise<number> };

/**
 * API routes in Redis, shared by every replica: `<prefix>routes` (path -> route JSON) and
 * `<prefix>activity` (path -> last activity, ms). Writers publish each change on `<prefix>changes`;
 * every replica applies it to its own RouteTable, and reloads the whole table after a reconnect
 * and every `resync` in case a message was lost. Activity is counted locally and written in batches.
 */
export class RedisRouteStore implements RouteStore {
  private readonly client: RedisWithActivity;
  private readonly subscriber: Redis;
  private readonly routesKey: string;
  private readonly activityKey: string;
  private readonly channel: string;
  private readonly epochKey: string;
  private readonly origin = randomUUID();
  /** The table's generation in Redis; a missing key means Redis lost the table (a restart without persistence). */
  private epoch: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private lastSync: number | null = null;
  /** Paths changed by messages while a reload was in flight: the reload must not undo them. */
  private changedDuringResync: Set<string> | null = null;
  private lastErrorLog = 0;
  private stopped = false;

  constructor(
    private readonly table: RouteTable,
    private readonly options: RedisStoreOptions,
    private readonly log: Logger,
  ) {
    const redisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    };
    this.client = new Redis(options.url, redisOptions) as RedisWithActivity;
    this.client.defineCommand('hpcgRaiseActivity', { numberOfKeys: 2, lua: RAISE_ACTIVITY });
    this.subscriber = new Redis(options.url, { ...redisOptions, enableOfflineQueue: true });
    this.routesKey = `${options.keyPrefix}routes`;
    this.activityKey = `${options.keyPrefix}activity`;
    this.channel = `${options.keyPrefix}changes`;
    this.epochKey = `${options.keyPrefix}epoch`;
    for (const c of [this.client, this.subscriber]) c.on('error', (err: Error) => this.logRedisError(err));
  }

  async start(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    try {
      await withTimeout(Promise.all([this.client.connect(), this.subscriber.connect()]), timeoutMs);
    } catch (e) {
      this.client.disconnect();
      this.subscriber.disconnect();
      throw new StoreUnavailableError(
        `cannot reach Redis at ${this.location()} for the route store (proxy.http.store: redis): ${(e as Error).message}; start Redis, fix proxy.http.redis.url / REDIS_URL, or set proxy.http.store: memory`,
      );
    }
    this.subscriber.on('message', (_channel: string, message: string) => this.applyMessage(message));
    await this.subscriber.subscribe(this.channel);
    await this.resync();
    if (this.options.keyPrefixDerived) await this.warnAboutLegacyTable();
    // A reconnect may have lost change messages: reload everything once the connection is back.
    this.subscriber.on('ready', () => void this.resync().catch((e) => this.logRedisError(e as Error)));
    this.timers.push(setInterval(() => void this.resync().catch((e) => this.logRedisError(e as Error)), this.options.resyncMs));
    this.timers.push(setInterval(() => void this.flushActivity().catch((e) => this.logRedisError(e as Error)), this.options.activityFlushMs));
    for (const t of this.timers) t.unref();
  }

  async set(path: string, rawData: RouteData): Promise<void> {
    const { key, data } = this.table.normalize(path, rawData);
    const now = Date.now();
    const message: ChangeMessage = { op: 'set', path: key, data, lastActivity: now, origin: this.origin };
    await this.exec(
      this.client.multi().hset(this.routesKey, key, JSON.stringify(data)).hset(this.activityKey, key, String(now)).publish(this.channel, JSON.stringify(message)),
    );
    this.table.setApiRoute(key, data, now);
  }

  async remove(path: string): Promise<boolean> {
    const key = cleanRoutePath(path);
    const message: ChangeMessage = { op: 'remove', path: key, origin: this.origin };
    const results = await this.exec(
      this.client.multi().hdel(this.routesKey, key).hdel(this.activityKey, key).publish(this.channel, JSON.stringify(message)),
    );
    this.table.removeApiRoute(key);
    return results[0] === 1;
  }

  async get(path: string): Promise<StoredRoute | undefined> {
    const key = cleanRoutePath(path);
    const [json, activity] = await this.exec(this.client.multi().hget(this.routesKey, key).hget(this.activityKey, key));
    if (typeof json !== 'string') return undefined;
    const data = parseRouteData(json);
    if (!data) return undefined;
    return { path: key, data, lastActivity: this.mergedActivity(key, activity) };
  }

  async list(): Promise<StoredRoute[]> {
    const [routes, activity] = await this.exec(this.client.multi().hgetall(this.routesKey).hgetall(this.activityKey));
    const out: StoredRoute[] = [];
    const activities = (activity ?? {}) as Record<string, string>;
    for (const [key, json] of Object.entries((routes ?? {}) as Record<string, string>)) {
      const data = parseRouteData(json);
      if (data) out.push({ path: key, data, lastActivity: this.mergedActivity(key, activities[key]) });
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.flushActivity();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not write the last route activity to Redis');
    }
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  status(): StoreStatus {
    return { kind: 'redis', connected: this.client.status === 'ready' && this.subscriber.status === 'ready', location: this.location(), lastSync: this.lastSync };
  }

  /** Reloads every API route from Redis into the table (restoring Redis first if it lost the table). */
  async resync(): Promise<void> {
    if (this.stopped || this.client.status !== 'ready') return;
    const changed = new Set<string>();
    this.changedDuringResync = changed;
    try {
      await this.restoreIfLost();
      const [routes, activity] = await this.exec(this.client.multi().hgetall(this.routesKey).hgetall(this.activityKey));
      const activities = (activity ?? {}) as Record<string, string>;
      const next = new Map<string, { data: RouteData; lastActivity: number }>();
      let skipped = 0;
      for (const [key, json] of Object.entries((routes ?? {}) as Record<string, string>)) {
        const data = parseRouteData(json);
        if (!data || !this.routable(key, data)) {
          skipped++;
          continue;
        }
        next.set(key, { data, lastActivity: Number(activities[key]) || 0 });
      }
      // Changes that arrived while HGETALL was in flight are newer than its answer.
      for (const key of changed) {
        const current = this.table.getApiRoute(key);
        if (current) next.set(key, { data: current.data, lastActivity: current.lastActivity });
        else next.delete(key);
      }
      this.table.replaceApiRoutes(next);
      this.lastSync = Date.now();
      if (skipped) this.log.warn({ skipped }, 'routes in Redis that this proxy cannot serve were skipped (bad JSON or a pool not configured here)');
    } finally {
      if (this.changedDuringResync === changed) this.changedDuringResync = null;
    }
  }

  /**
   * Redis may lose everything (DESIGN.md §6). Then this replica writes back the routes it holds (never
   * overwriting one another replica restored first) under a new epoch, so every user's notebook stays
   * reachable; routes deleted on purpose are gone from every replica's table and are not resurrected.
   */
  private async restoreIfLost(): Promise<void> {
    const [current] = await this.exec(this.client.multi().get(this.epochKey));
    if (typeof current === 'string') {
      this.epoch = current;
      return;
    }
    const fresh = randomUUID();
    const routes = [...this.table.listApiRoutes()];
    if (this.epoch !== null && routes.length > 0) {
      const multi = this.client.multi();
      for (const r of routes) {
        multi.hsetnx(this.routesKey, r.path, JSON.stringify(r.data));
        multi.hsetnx(this.activityKey, r.path, String(r.lastActivity));
      }
      await this.exec(multi);
      this.log.warn({ restored: routes.length }, 'Redis had lost the route table; restored the routes this replica holds');
    }
    await this.exec(this.client.multi().set(this.epochKey, fresh, 'NX'));
    const [adopted] = await this.exec(this.client.multi().get(this.epochKey));
    this.epoch = typeof adopted === 'string' ? adopted : fresh;
  }

  /** A site upgrading from the shared default prefix finds its routes not carried over: say why and how. */
  private async warnAboutLegacyTable(): Promise<void> {
    const [legacy, own] = await this.exec(this.client.multi().hlen(`${LEGACY_KEY_PREFIX}routes`).hlen(this.routesKey));
    if (Number(legacy) > 0 && Number(own) === 0) {
      this.log.warn(
        { keyPrefix: this.options.keyPrefix, legacyRoutes: Number(legacy) },
        `routes under the old shared prefix "${LEGACY_KEY_PREFIX}" are not used: this proxy's table is named after its API token; set proxy.http.redis.keyPrefix: "${LEGACY_KEY_PREFIX}" to keep serving that table`,
      );
    }
  }

  /** Writes the activity seen by this replica since the last flush. */
  async flushActivity(): Promise<void> {
    if (this.client.status !== 'ready') return;
    const pending: { route: { lastActivity: number; storedActivity: number }; path: string; value: number }[] = [];
    for (const route of this.table.listApiRoutes()) {
      if (route.lastActivity > route.storedActivity) pending.push({ route, path: route.path, value: route.lastActivity });
    }
    for (let i = 0; i < pending.length; i += FLUSH_BATCH) {
      const batch = pending.slice(i, i + FLUSH_BATCH);
      const args: string[] = [];
      for (const p of batch) args.push(p.path, String(p.value));
      await this.client.hpcgRaiseActivity(this.activityKey, this.routesKey, ...args);
      for (const p of batch) p.route.storedActivity = Math.max(p.route.storedActivity, p.value);
    }
  }

  private applyMessage(text: string): void {
    let message: ChangeMessage;
    try {
      message = JSON.parse(text) as ChangeMessage;
    } catch {
      this.log.warn('ignoring a route change message that is not JSON');
      return;
    }
    if (message.origin === this.origin || typeof message.path !== 'string') return;
    this.changedDuringResync?.add(message.path);
    if (message.op === 'remove') {
      this.table.removeApiRoute(message.path);
    } else if (message.op === 'set' && message.data && typeof message.data.target === 'string' && this.routable(message.path, message.data)) {
      this.table.setApiRoute(message.path, message.data, Number(message.lastActivity) || Date.now());
    }
  }

  private routable(path: string, data: RouteData): boolean {
    try {
      this.table.checkTarget(data.target);
      return true;
    } catch (e) {
      if (!(e instanceof RouteTargetError)) throw e;
      this.log.warn({ route: path, err: e.message }, 'route from Redis skipped: its target cannot be served by this proxy');
      return false;
    }
  }

  private mergedActivity(key: string, stored: unknown): number {
    const local = this.table.getApiRoute(key)?.lastActivity ?? 0;
    return Math.max(Number(stored) || 0, local);
  }

  /** Runs a MULTI and returns each command's result, or throws StoreUnavailableError. */
  private async exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
    let results: [Error | null, unknown][] | null;
    try {
      results = await multi.exec();
    } catch (e) {
      throw new StoreUnavailableError(`Redis at ${this.location()} is unavailable: ${(e as Error).message}`);
    }
    if (!results) throw new StoreUnavailableError(`Redis at ${this.location()} aborted the transaction`);
    for (const [err] of results) if (err) throw new StoreUnavailableError(`Redis at ${this.location()} failed: ${err.message}`);
    return results.map(([, value]) => value);
  }

  private location(): string {
    try {
      const u = new URL(this.options.url);
      u.password = '';
      u.username = '';
      return u.toString();
    } catch {
      return '(invalid URL)';
    }
  }

  private logRedisError(err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = now;
    this.log.warn({ redis: this.location(), err: err.message }, 'route store: Redis error (proxying continues with the routes already loaded)');
  }
}

function parseRouteData(json: string): RouteData | null {
  try {
    const data = JSON.parse(json) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data) && typeof (data as RouteData).target === 'string') return data as RouteData;
  } catch {
    // fall through
  }
  return null;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no connection within ${ms}ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
