import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcess } from './gateway-process';
import { gql } from './graphql-client';
import { createTestDatabase } from './test-database';
import { testJobIdentity } from './test-accounts';

export interface FixtureOptions {
  /** Site configuration file contents (YAML); default: one local engine with 2 slots and killWait 2. */
  site?: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

const DEFAULT_SITE = `
engines:
  local: { kind: local, slots: 2, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
  - { name: short, engine: local, maxTime: "2" }
`;

/**
 * A whole gateway for one test file: its own database, queue prefix, state directory and admin
 * token; API and worker started as processes from the build, the way a site runs them.
 */
export class GatewayFixture {
  api!: GatewayProcess;
  worker: GatewayProcess | null = null;
  readonly adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'hpcg-fixture-'));
  env: Record<string, string> = {};
  private dropDb: (() => Promise<void>) | null = null;

  static async start(options: FixtureOptions = {}): Promise<GatewayFixture> {
    const f = new GatewayFixture();
    // mkdtemp makes it 0700, but jobs run as their owners (test accounts, never root) and write their
    // output where tests submit from, often this folder: like /tmp, anyone may create files, only their own.
    chmodSync(f.dir, 0o1777);
    const db = await createTestDatabase();
    f.dropDb = db.drop;
    const siteFile = join(f.dir, 'hpcg.yaml');
    writeFileSync(siteFile, options.site ?? DEFAULT_SITE);
    f.env = {
      DATABASE_URL: db.url,
      REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
      HPCG_CONFIG: siteFile,
      HPCG_PORT: '0',
      HPCG_WORKER_PORT: '0',
      HPCG_ADMIN_TOKEN: f.adminToken,
      HPCG_STATE_DIR: join(f.dir, 'state'),
      HPCG_QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}`,
      HPCG_SYNC_INTERVAL_MS: '200',
      HPCG_SWEEP_INTERVAL_MS: '500',
      ...options.env,
    };
    f.api = await GatewayProcess.start('api', f.env, f.dir);
    return f;
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<GatewayProcess> {
    this.worker = await GatewayProcess.start('worker', { ...this.env, ...extraEnv }, this.dir);
    return this.worker;
  }

  get url(): string {
    return this.api.url;
  }

  admin<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return gql<T>(this.url, this.adminToken, query, variables);
  }

  /**
   * Creates a user and returns a token for it. By default the user gets a real local Unix identity (the
   * test account, test/support/test-accounts.ts): jobs run as their owner and never as root.
   * `{ uid: null, gid: null }` makes a user without one (who cannot own jobs).
   */
  async user(username: string, extra: { uid?: number | null; gid?: number | null; home?: string; groups?: string[] } = {}): Promise<string> {
    const id = extra.uid === undefined && extra.gid === undefined ? testJobIdentity() : null;
    await this.admin(`mutation($u: String!, $uid: Int, $gid: Int, $home: String, $groups: [String!]) { createUser(username: $u, uid: $uid, gid: $gid, home: $home, groups: $groups) { id } }`, {
      u: username,
      ...(id ? { uid: id.uid, gid: id.gid, home: id.home } : {}),
      ...extra,
    });
    const r = await this.admin<{ issueToken: { token: string } }>(`mutation($u: String!) { issueToken(username: $u, name: "test") { token } }`, { u: username });
    return r.issueToken.token;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(), this.worker?.stop()]);
    await this.dropDb?.();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls until `fn` returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
