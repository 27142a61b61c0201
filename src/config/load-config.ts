import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseTimeLimit } from '../sbatch';
import { type ResolvedNotebooks, resolveNotebooks } from '../notebooks/notebook-profiles';
import { Env, envSchema } from './env.schema';
import { type ResolvedRouting, resolveRouting } from './resolve-routing';
import { EngineConfig, PartitionConfig, SiteConfig, siteConfigSchema } from './site-config.schema';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ResolvedPartition extends PartitionConfig {
  /** -1 = unlimited. */
  maxTimeMinutes: number;
  defaultTimeMinutes: number;
  enginePartition: string;
}

export type ResolvedEngine = EngineConfig & { name: string; slots: number; stateDir: string };

/** The one configuration object. Built once at start-up; nothing else reads process.env. */
export interface AppConfig {
  configFile: string | null;
  databaseUrl: string;
  redisUrl: string;
  host: string;
  port: number;
  workerPort: number;
  apiProcesses: number;
  adminToken: string | null;
  stateDir: string;
  logLevel: Env['HPCG_LOG_LEVEL'];
  queuePrefix: string;
  syncIntervalMs: number;
  sweepIntervalMs: number;
  capacityIntervalMs: number;
  submitConcurrency: number;
  limits: { maxArraySize: number; maxScriptBytes: number };
  graphql: {
    maxDepth: number;
    maxComplexity: number;
    maxAliases: number;
    maxFields: number;
    maxRootFields: number;
    introspection: Env['HPCG_GRAPHQL_INTROSPECTION'];
    maxBodyBytes: number;
  };
  fault: Env['HPCG_FAULT'] | null;
  cluster: string;
  engines: ResolvedEngine[];
  partitions: ResolvedPartition[];
  /** Partition groups and moves between engines (issue 17). */
  routing: ResolvedRouting;
  notebooks: ResolvedNotebooks;
  site: SiteConfig;
}

function formatIssues(where: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  ${where}${i.path.length ? ': ' + i.path.join('.') : ''}: ${i.message}`);
  return `invalid configuration:\n${lines.join('\n')}`;
}

/** `${NAME}` in any YAML string value is replaced by that environment variable (for secrets). */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`invalid configuration:\n  ${path}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

/** A file the configuration names (a secret, a CA): unreadable is a configuration error naming the key. */
function readConfigFile(file: string, where: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`invalid configuration:\n  ${where}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readSiteFile(file: string, env: NodeJS.ProcessEnv): unknown {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`invalid configuration: cannot read ${file}: ${(e as Error).message}`);
  }
  return interpolate(doc ?? {}, env, '');
}

function time(where: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseTimeLimit(value);
  } catch (e) {
    throw new ConfigError(`invalid configuration:\n  ${where}: ${(e as Error).message}`);
  }
}

function resolvePartitions(site: SiteConfig, file: string): ResolvedPartition[] {
  const names = new Set<string>();
  const resolved = site.partitions.map((p, i) => {
    const where = `${file}: partitions.${i}`;
    if (names.has(p.name)) throw new ConfigError(`invalid configuration:\n  ${where}.name: partition "${p.name}" is defined twice`);
    names.add(p.name);
    if (!site.engines[p.engine]) {
      const known = Object.keys(site.engines).join(', ') || 'none';
      throw new ConfigError(`invalid configuration:\n  ${where}.engine: no engine "${p.engine}" (engines: ${known})`);
    }
    const maxTimeMinutes = time(`${where}.maxTime`, p.maxTime, -1);
    const defaultTimeMinutes = time(`${where}.defaultTime`, p.defaultTime, maxTimeMinutes);
    return { ...p, maxTimeMinutes, defaultTimeMinutes, enginePartition: p.enginePartition ?? p.name };
  });
  if (resolved.length === 0) throw new ConfigError(`invalid configuration:\n  ${file}: partitions: at least one partition is needed`);
  const defaults = resolved.filter((p) => p.default);
  if (defaults.length > 1) {
    throw new ConfigError(`invalid configuration:\n  ${file}: partitions: only one may be default (${defaults.map((p) => p.name).join(', ')})`);
  }
  if (defaults.length === 0) resolved[0].default = true;
  return resolved;
}

export function loadConfig(processEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  const envResult = envSchema.safeParse(processEnv);
  if (!envResult.success) throw new ConfigError(formatIssues('environment', envResult.error));
  const env = envResult.data;

  const configFile = resolve(env.HPCG_CONFIG);
  const hasFile = existsSync(configFile);
  if (!hasFile && processEnv.HPCG_CONFIG) throw new ConfigError(`invalid configuration: HPCG_CONFIG names ${configFile}, which does not exist`);
  const siteResult = siteConfigSchema.safeParse(hasFile ? readSiteFile(configFile, processEnv) : {});
  if (!siteResult.success) throw new ConfigError(formatIssues(configFile, siteResult.error));
  const site = siteResult.data;
  const directory = site.directory;
  if (directory?.bindPasswordFile) directory.bindPassword = readConfigFile(directory.bindPasswordFile, `${configFile}: directory.bindPasswordFile`).split('\n')[0];
  if (directory?.tls.caFile) readConfigFile(directory.tls.caFile, `${configFile}: directory.tls.caFile`);

  let adminToken = env.HPCG_ADMIN_TOKEN ?? null;
  if (!adminToken && env.HPCG_ADMIN_TOKEN_FILE) {
    adminToken = readConfigFile(env.HPCG_ADMIN_TOKEN_FILE, 'HPCG_ADMIN_TOKEN_FILE').trim();
    if (adminToken.length < 16) throw new ConfigError('invalid configuration:\n  HPCG_ADMIN_TOKEN_FILE: the token must have at least 16 characters');
  }

  if (env.HPCG_GRAPHQL_MAX_BODY_BYTES !== undefined && env.HPCG_GRAPHQL_MAX_BODY_BYTES < env.HPCG_MAX_SCRIPT_BYTES) {
    // Scripts are submitted inline: a smaller body limit would refuse scripts the gateway allows.
    throw new ConfigError(
      `invalid configuration:\n  HPCG_GRAPHQL_MAX_BODY_BYTES: ${env.HPCG_GRAPHQL_MAX_BODY_BYTES} is below HPCG_MAX_SCRIPT_BYTES (${env.HPCG_MAX_SCRIPT_BYTES}); scripts are sent inside the request body`,
    );
  }

  const stateDir = resolve(env.HPCG_STATE_DIR);
  const engines = Object.entries(site.engines).map(([name, e]) => ({
    ...e,
    name,
    slots: (e.kind === 'local' && e.slots) || cpus().length,
    stateDir: resolve((e.kind === 'local' && e.stateDir) || `${stateDir}/${e.kind}/${name}`),
  }));

  const where = hasFile ? configFile : 'defaults';
  const partitions = resolvePartitions(site, where);
  const routing = resolveRouting(site.routing, partitions, (key, message) => {
    throw new ConfigError(`invalid configuration:\n  ${where}: ${key}: ${message}`);
  });
  const notebooks = resolveNotebooks(site.notebooks, partitions, (key, message) => {
    throw new ConfigError(`invalid configuration:\n  ${where}: ${key}: ${message}`);
  });

  return {
    configFile: hasFile ? configFile : null,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    host: env.HPCG_HOST,
    port: env.HPCG_PORT,
    workerPort: env.HPCG_WORKER_PORT,
    adminToken,
    stateDir,
    logLevel: env.HPCG_LOG_LEVEL,
    queuePrefix: env.HPCG_QUEUE_PREFIX,
    syncIntervalMs: env.HPCG_SYNC_INTERVAL_MS,
    sweepIntervalMs: env.HPCG_SWEEP_INTERVAL_MS,
    capacityIntervalMs: env.HPCG_CAPACITY_INTERVAL_MS,
    submitConcurrency: env.HPCG_SUBMIT_CONCURRENCY,
    apiProcesses: env.HPCG_API_PROCESSES,
    limits: { maxArraySize: env.HPCG_MAX_ARRAY_SIZE, maxScriptBytes: env.HPCG_MAX_SCRIPT_BYTES },
    graphql: {
      maxDepth: env.HPCG_GRAPHQL_MAX_DEPTH,
      maxComplexity: env.HPCG_GRAPHQL_MAX_COMPLEXITY,
      maxAliases: env.HPCG_GRAPHQL_MAX_ALIASES,
      maxFields: env.HPCG_GRAPHQL_MAX_FIELDS,
      maxRootFields: env.HPCG_GRAPHQL_MAX_ROOT_FIELDS,
      introspection: env.HPCG_GRAPHQL_INTROSPECTION,
      maxBodyBytes: env.HPCG_GRAPHQL_MAX_BODY_BYTES ?? 2 * env.HPCG_MAX_SCRIPT_BYTES + 64 * 1024,
    },
    fault: env.HPCG_FAULT ?? null,
    cluster: site.cluster,
    engines,
    partitions,
    routing,
    notebooks,
    site,
  };
}
