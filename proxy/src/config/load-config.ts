import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseUpstreamUrl } from '../routing/target-spec';
import { CliFlags } from './cli-flags';
import { ListenAddress } from './listen-address';
import { HealthCheckSettings, proxySectionSchema } from './schema';
import type { ProxySshSettings, SshProbeSettings } from './ssh-schema';

export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

export interface PoolConfig {
  name: string;
  members: string[];
  check: HealthCheckSettings;
}

/** `proxy.ssh`, with the probe's private key read. */
export type SshFrontConfig = Omit<ProxySshSettings, 'probe'> & { probe: (SshProbeSettings & { privateKey: Buffer }) | null };

export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; keyPrefix: string; keyPrefixDerived: boolean; resyncMs: number; activityFlushMs: number };

/** The key prefix every hpcg-proxy used before it was derived from the token; still honoured when set explicitly. */
export const LEGACY_KEY_PREFIX = 'hpcg:proxy:';

/**
 * The route table of a deployment is named after its API token: replicas driven by one JupyterHub
 * share the token and so the table, while an unrelated proxy on the same Redis gets its own instead
 * of silently serving (and overwriting) another's routes. Hashed, so the token never appears in Redis.
 */
export function defaultKeyPrefix(authToken: string): string {
  const digest = createHash('sha256').update('hpcg-proxy route table\0').update(authToken).digest('hex');
  return `${LEGACY_KEY_PREFIX}${digest.slice(0, 16)}:`;
}

/** Everything hpcg-proxy needs, validated once at start-up. Nothing else reads files, flags or process.env. */
export interface ProxyConfig {
  configFile: string | null;
  listen: ListenAddress;
  api: ListenAddress;
  metrics: ListenAddress | null;
  authToken: string;
  store: StoreConfig;
  defaultTarget: string | null;
  errorTarget: string | null;
  errorPath: string | null;
  hostRouting: boolean;
  xForward: boolean;
  /** Address blocks of the proxies in front of this one, validated (net/cidr.ts). */
  trustedProxies: string[];
  logLevel: string;
  /** Processes serving traffic; 1 = this process does everything. */
  workers: number;
  timeouts: {
    connectMs: number;
    upstreamMs: number;
    /** From a request fully sent upstream to its response headers; 0 = no limit but upstreamMs. */
    responseHeadersMs: number;
    clientMs: number;
    keepAliveMs: number;
    headersMs: number;
    websocketIdleMs: number;
    shutdownGraceMs: number;
  };
  limits: { maxConnections: number; maxHeaderBytes: number; maxApiBodyBytes: number; maxRoutes: number; upstreamSockets: number };
  pools: PoolConfig[];
  /** Routes from the configuration file, in file order. */
  routes: { path: string; target: string }[];
  /** The SSH front; null when `proxy.ssh` is absent. */
  ssh: SshFrontConfig | null;
}

const MIN_TOKEN_LENGTH = 16;

function issuesMessage(where: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => {
    const key = ['proxy', ...i.path.map(String)].join('.');
    const extra = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
    return `  ${where}: ${key}: ${i.message}${extra}`;
  });
  return `invalid configuration:\n${lines.join('\n')}`;
}

/** `${NAME}` in a string value is replaced by that environment variable, as the gateway does. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ProxyConfigError(`invalid configuration:\n  ${where}: ${path}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}.${i}`, where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, `${path}.${k}`, where)]));
  }
  return value;
}

/** The `proxy:` section of the site file; other sections belong to the gateway and are not read here. */
function readProxySection(file: string, env: NodeJS.ProcessEnv): unknown {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProxyConfigError(`invalid configuration: cannot read ${file}: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ProxyConfigError(`invalid configuration: ${file}: the file must be a YAML mapping`);
  const section = (doc as Record<string, unknown>).proxy;
  if (section === undefined || section === null) return {};
  return interpolate(section, env, 'proxy', file);
}

function flagError(flag: string, message: string): ProxyConfigError {
  return new ProxyConfigError(`invalid option ${flag}: ${message}`);
}

function readToken(env: NodeJS.ProcessEnv, tokenFile: string | undefined, where: string): string {
  let token = env.CONFIGPROXY_AUTH_TOKEN;
  let source = 'CONFIGPROXY_AUTH_TOKEN';
  if (!token && tokenFile) {
    source = `${where}: proxy.http.authTokenFile (${tokenFile})`;
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      throw new ProxyConfigError(`invalid configuration: ${source}: ${(e as Error).message}`);
    }
  }
  if (!token) {
    throw new ProxyConfigError(
      'invalid configuration: the route API needs a token: set CONFIGPROXY_AUTH_TOKEN (as JupyterHub does) or proxy.http.authTokenFile',
    );
  }
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new ProxyConfigError(`invalid configuration: ${source}: the token must have at least ${MIN_TOKEN_LENGTH} characters and no spaces`);
  }
  return token;
}

function checkUrlFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = parseUpstreamUrl(value);
  if (typeof url === 'string') throw flagError(flag, url);
  return value;
}

function ip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value === '*' ? '' : value;
}

export function loadProxyConfig(flags: CliFlags = {}, env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  const named = flags.config ?? (env.HPCG_CONFIG || undefined);
  const file = resolve(named ?? './hpcg.yaml');
  const hasFile = existsSync(file);
  if (!hasFile && named) {
    throw new ProxyConfigError(`invalid configuration: ${flags.config ? '--config' : 'HPCG_CONFIG'} names ${file}, which does not exist`);
  }
  const where = hasFile ? file : '(no configuration file)';
  const raw = hasFile ? readProxySection(file, env) : {};
  const parsed = proxySectionSchema.safeParse(raw);
  if (!parsed.success) throw new ProxyConfigError(issuesMessage(where, parsed.error));
  const http = parsed.data.http;

  const listen = { host: ip(flags.ip) ?? http.listen.host, port: flags.port ?? http.listen.port };
  // CHP puts the API on port + 1 when only --port is given; a file that sets proxy.http.api keeps its own.
  const fileSetsApi = (raw as { http?: { api?: unknown } }).http?.api !== undefined;
  const apiPort = flags.apiPort ?? (flags.port !== undefined && !fileSetsApi ? (flags.port === 0 ? 0 : flags.port + 1) : http.api.port);
  const api = { host: ip(flags.apiIp) ?? http.api.host, port: apiPort };
  let metrics: ListenAddress | null = http.metrics === false ? null : http.metrics;
  if (flags.metricsPort !== undefined || flags.metricsIp !== undefined) {
    metrics = { host: ip(flags.metricsIp) ?? metrics?.host ?? '127.0.0.1', port: flags.metricsPort ?? metrics?.port ?? 8002 };
  }

  const errorTarget = checkUrlFlag('--error-target', flags.errorTarget) ?? (flags.errorPath ? undefined : http.errorTarget);
  const errorPath = flags.errorPath ?? (flags.errorTarget ? undefined : http.errorPath);
  if (flags.errorTarget && flags.errorPath) throw flagError('--error-path', '--error-target and --error-path are alternatives; give one');

  const storeKind = flags.store ?? http.store;
  const workerSetting = flags.workers ?? http.workers;
  const workers = workerSetting === 'auto' ? availableParallelism() : workerSetting;
  if (workers > 1 && storeKind !== 'redis') {
    const source = flags.workers !== undefined ? '--workers' : `${where}: proxy.http.workers`;
    throw new ProxyConfigError(`invalid configuration: ${source}: more than one worker shares routes through Redis: use the redis store (proxy.http.store / --store redis), or one worker`);
  }
  const ssh = parsed.data.ssh ? sshFrontConfig(parsed.data.ssh, where) : null;
  if (ssh && workers > 1) {
    const source = flags.workers !== undefined ? '--workers' : `${where}: proxy.http.workers`;
    throw new ProxyConfigError(`invalid configuration: ${source}: the SSH front (proxy.ssh) chooses nodes from one view of every connection and runs in a single process: use one worker`);
  }
  const redisUrl = flags.redisUrl ?? http.redis.url ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) throw flagError(flags.redisUrl ? '--redis-url' : 'REDIS_URL', `"${redisUrl}" is not a redis:// URL`);

  const t = http.timeouts;
  const authToken = readToken(env, http.authTokenFile, where);
  return {
    configFile: hasFile ? file : null,
    listen,
    api,
    metrics,
    authToken,
    store:
      storeKind === 'memory'
        ? { kind: 'memory' }
        : {
            kind: 'redis',
            url: redisUrl,
            keyPrefix: http.redis.keyPrefix ?? defaultKeyPrefix(authToken),
            keyPrefixDerived: http.redis.keyPrefix === undefined,
            resyncMs: http.redis.resync,
            activityFlushMs: http.redis.activityFlush,
          },
    defaultTarget: checkUrlFlag('--default-target', flags.defaultTarget) ?? http.defaultTarget ?? null,
    errorTarget: errorTarget ?? null,
    errorPath: errorPath ?? null,
    hostRouting: flags.hostRouting ?? http.hostRouting,
    xForward: flags.xForward ?? http.xForward,
    trustedProxies: http.trustedProxies,
    logLevel: flags.logLevel ?? http.logLevel ?? logLevelFromEnv(env),
    workers,
    timeouts: {
      connectMs: t.connect,
      upstreamMs: flags.proxyTimeout ?? t.upstream,
      responseHeadersMs: flags.responseHeaderTimeout ?? t.responseHeaders,
      clientMs: flags.timeout ?? t.client,
      keepAliveMs: flags.keepAliveTimeout ?? t.keepAlive,
      headersMs: t.headers,
      websocketIdleMs: t.websocketIdle,
      shutdownGraceMs: t.shutdownGrace,
    },
    limits: { ...http.limits },
    pools: Object.entries(http.pools).map(([name, p]) => ({ name, members: p.members, check: p.check })),
    routes: Object.entries(http.routes).map(([path, target]) => ({ path, target })),
    ssh,
  };
}

function sshFrontConfig(ssh: ProxySshSettings, where: string): SshFrontConfig {
  if (!ssh.probe) return { ...ssh, probe: null };
  let privateKey: Buffer;
  try {
    privateKey = readFileSync(ssh.probe.keyFile);
  } catch (e) {
    throw new ProxyConfigError(`invalid configuration:\n  ${where}: proxy.ssh.probe.keyFile: cannot read ${ssh.probe.keyFile}: ${(e as Error).message}`);
  }
  return { ...ssh, probe: { ...ssh.probe, privateKey } };
}

function logLevelFromEnv(env: NodeJS.ProcessEnv): string {
  const level = env.HPCG_LOG_LEVEL?.toLowerCase();
  return level && ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level) ? level : 'info';
}
