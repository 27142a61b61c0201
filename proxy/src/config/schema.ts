import { z } from 'zod';
import { POOL_NAME, parseTargetSpec, parseUpstreamUrl } from '../routing/target-spec';
import { parseCidr } from '../../../src/common/net/cidr';
import { address, checkTimingFields, duration, int, refineCheckTiming } from './schema-primitives';
import { proxySshSchema } from './ssh-schema';

/**
 * The `proxy:` section of the site configuration (DESIGN.md §8), as hpcg-proxy reads it. Key names
 * are a public contract: new keys may be added, existing ones are never renamed.
 */

const upstreamUrl = z.string().superRefine((value, ctx) => {
  const url = parseUpstreamUrl(value);
  if (typeof url === 'string') ctx.addIssue({ code: 'custom', message: url });
});

/** An IPv4/IPv6 address or CIDR block; the message names the entry, the key names the list. */
const cidrBlock = z.string().superRefine((value, ctx) => {
  const block = parseCidr(value);
  if (typeof block === 'string') ctx.addIssue({ code: 'custom', message: block });
});

export const healthCheckSchema = z
  .object({
    /** HTTP path requested on each member; a 2xx or 3xx answer is a good check. */
    path: z.string().regex(/^\/[^\s]*$/, 'a path starting with "/"').default('/'),
    ...checkTimingFields,
  })
  .strict()
  .superRefine(refineCheckTiming);

export const poolSchema = z
  .object({
    members: z.array(upstreamUrl).min(1, 'a pool needs at least one member').max(256),
    check: healthCheckSchema.prefault({}),
  })
  .strict();

const redisSchema = z
  .object({
    /** Default: the REDIS_URL environment variable, else redis://127.0.0.1:6379. */
    url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
    /**
     * Every key and channel the proxy uses starts with this; replicas sharing a table share it.
     * Default: "hpcg:proxy:<hash of the API token>:", so only proxies driven with the same token
     * (replicas of one deployment) share a table.
     */
    keyPrefix: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'letters, digits and "_:.-" (1-64)').optional(),
    /** Full reload of the table, a safety net for change messages lost while Redis was unreachable. */
    resync: duration.prefault('30s'),
    /** How often each replica writes the last activity it saw to Redis. */
    activityFlush: duration.prefault('1s'),
  })
  .strict();

const timeoutsSchema = z
  .object({
    /** Opening a connection to an upstream; after it the request is retried on another pool member. */
    connect: duration.prefault('5s'),
    /** An upstream exchange with no byte in either direction (including the wait for the response). */
    upstream: duration.prefault('5m'),
    /**
     * From the moment a request is fully sent upstream until the response headers arrive; after it the
     * client gets 504 and a pool member is ejected (a hung process answers nothing, and the 5-minute
     * `upstream` timeout would stall every request sent to it). 30s, like HAProxy's common `timeout server`,
     * is far beyond any API call here (long work runs as jobs or over websockets); 0 turns it off.
     */
    responseHeaders: duration.prefault('30s'),
    /** A client connection with no byte in either direction while a request is open. */
    client: duration.prefault('5m'),
    /** How long an idle client keep-alive connection stays open. */
    keepAlive: duration.prefault('5s'),
    /** Time a client has to send a request's headers. */
    headers: duration.prefault('30s'),
    /** A proxied websocket with no frame in either direction; 0 = never (TCP keep-alive still detects dead peers). */
    websocketIdle: duration.prefault('0'),
    /** On SIGTERM: how long in-flight requests and websockets may take before they are cut. */
    shutdownGrace: duration.prefault('10s'),
  })
  .strict();

const limitsSchema = z
  .object({
    /** Open client connections (HTTP and websocket) on the public listener. */
    maxConnections: int(1, 1_000_000).default(10_000),
    /** Size of a request's header block; larger requests get 431. */
    maxHeaderBytes: int(1024, 1024 * 1024).default(16 * 1024),
    /** Size of a route API request body; larger bodies get 413. */
    maxApiBodyBytes: int(1024, 16 * 1024 * 1024).default(1024 * 1024),
    /** Routes in the table (JupyterHub adds one per running server). */
    maxRoutes: int(1, 1_000_000).default(100_000),
    /** Concurrent connections to one upstream; further requests wait for a free one. */
    upstreamSockets: int(1, 100_000).default(1024),
  })
  .strict();

export const proxyHttpSchema = z
  .object({
    listen: address.prefault('0.0.0.0:8000'),
    /** The route API (CHP-compatible), protected by CONFIGPROXY_AUTH_TOKEN. */
    api: address.prefault('127.0.0.1:8001'),
    /** Prometheus /metrics, /status (page) and /api/status (JSON); false turns the listener off. */
    metrics: z.union([address, z.literal(false)]).prefault('127.0.0.1:8002'),
    store: z.enum(['redis', 'memory']).default('redis'),
    redis: redisSchema.prefault({}),
    /** A file holding the API token, when CONFIGPROXY_AUTH_TOKEN is not set. */
    authTokenFile: z.string().min(1).optional(),
    /** Route "/" to this URL unless the API sets "/" (CHP's --default-target). */
    defaultTarget: upstreamUrl.optional(),
    /** Error pages come from GET <errorTarget>/<code>?url=<path> (CHP's --error-target). */
    errorTarget: upstreamUrl.optional(),
    /** Error pages come from <errorPath>/<code>.html or error.html (CHP's --error-path). */
    errorPath: z.string().min(1).optional(),
    /** The request's host is the first segment of every route (CHP's --host-routing). */
    hostRouting: z.boolean().default(false),
    /** Add X-Forwarded-For/-Host/-Port/-Proto to proxied requests. */
    xForward: z.boolean().default(true),
    /**
     * Peers (addresses or CIDR blocks) whose X-Forwarded-*, Forwarded and X-Real-IP headers are
     * believed: a TLS-terminating load balancer in front of this proxy. From every other peer those
     * headers are dropped and the proxy writes its own. Empty (the default): no peer is trusted.
     */
    trustedProxies: z.array(cidrBlock).max(1024).default([]),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    /**
     * Processes serving the public and API ports ("auto" = one per CPU). With more than one, each is
     * a replica sharing the route table through Redis, and the metrics listener aggregates them.
     */
    workers: z.union([int(1, 64), z.literal('auto')]).default(1),
    timeouts: timeoutsSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    pools: z
      .record(z.string().regex(POOL_NAME, 'pool names use letters, digits, ".", "-" and "_" (1-64)'), poolSchema)
      .default({}),
    /** Route prefix -> target URL or pool:NAME. API routes with the same prefix take precedence. */
    routes: z
      .record(
        z.string().regex(/^\/\S*$/, 'route prefixes start with "/"'),
        z.string().superRefine((value, ctx) => {
          const spec = parseTargetSpec(value);
          if ('error' in spec) ctx.addIssue({ code: 'custom', message: spec.error });
        }),
      )
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.errorTarget && c.errorPath) {
      ctx.addIssue({ code: 'custom', path: ['errorPath'], message: 'errorTarget and errorPath are alternatives; set one' });
    }
    for (const [prefix, target] of Object.entries(c.routes)) {
      if (!target.startsWith('pool:')) continue;
      const pool = target.slice(5);
      if (!c.pools[pool]) {
        const known = Object.keys(c.pools).join(', ') || 'none defined';
        ctx.addIssue({ code: 'custom', path: ['routes', prefix], message: `no pool "${pool}" (pools: ${known})` });
      }
    }
  });

export const proxySectionSchema = z
  .object({ http: proxyHttpSchema.prefault({}), ssh: proxySshSchema.optional() })
  .strict();

export type ProxyHttpSettings = z.output<typeof proxyHttpSchema>;
export type HealthCheckSettings = z.output<typeof healthCheckSchema>;
