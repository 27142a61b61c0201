import { z } from 'zod';

/** Every environment variable the gateway and worker read (each documented in README). */
export const envSchema = z.object({
  HPCG_CONFIG: z.string().default('./hpcg.yaml'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/hpcg'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  HPCG_HOST: z.string().default('127.0.0.1'),
  HPCG_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** The worker's own health and metrics endpoint. */
  /** API processes sharing HPCG_PORT (node:cluster); each is a full replica. */
  HPCG_API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  HPCG_WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  HPCG_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  HPCG_ADMIN_TOKEN_FILE: z.string().optional(),
  HPCG_STATE_DIR: z.string().default('./.hpcg/state'),
  HPCG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HPCG_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/).default('hpcg'),
  HPCG_SYNC_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  HPCG_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  // How often the worker asks each engine for its partitions' capacity (sinfo, nodes, ...) for the API to read.
  HPCG_CAPACITY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  HPCG_MAX_ARRAY_SIZE: z.coerce.number().int().min(1).max(4_000_000).default(1001),
  HPCG_MAX_SCRIPT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  HPCG_GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(8),
  /** Cost units of src/graphql/operation-cost.ts: 1 per object built, 100 per per-parent resolver, lists × their size. */
  HPCG_GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(10_000_000).default(50_000),
  HPCG_GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(30),
  HPCG_GRAPHQL_MAX_FIELDS: z.coerce.number().int().min(10).max(100_000).default(1000),
  HPCG_GRAPHQL_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(1000).default(20),
  /** Who may query __schema/__type: holders of a valid bearer token, everyone, or no one. */
  HPCG_GRAPHQL_INTROSPECTION: z.enum(['authenticated', 'on', 'off']).default('authenticated'),
  /** Default (unset): 2 × HPCG_MAX_SCRIPT_BYTES + 64 KiB, as a script inline in JSON may double when escaped. */
  HPCG_GRAPHQL_MAX_BODY_BYTES: z.coerce.number().int().min(16 * 1024).max(256 * 1024 * 1024).optional(),
  HPCG_SUBMIT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Fault injection for the crash-safety tests; never set in production. */
  HPCG_FAULT: z.enum(['crash-after-engine-submit']).optional(),
});

export type Env = z.output<typeof envSchema>;
