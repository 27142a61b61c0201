import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Change } from 'ldapts';
import { freePort } from '../support/free-port';

export const BASE_DN = 'dc=hpcg,dc=test';
export const SERVICE_DN = `cn=gateway,ou=services,${BASE_DN}`;
export const SERVICE_PASSWORD = 'gateway-secret';
const ROOT_DN = `cn=admin,${BASE_DN}`;
const ROOT_PASSWORD = 'root-secret';
const SEED = join(__dirname, 'seed.ldif');

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode} before listening`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`slapd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A real OpenLDAP slapd for one test file (ENVIRONMENT.md recipe): own config and database in a
 * temporary directory, seeded from seed.ldif, on a free loopback port, stopped by its PID.
 */
export class Slapd {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly log: string[] | null,
  ) {}

  /**
   * `logStats`: slapd logs every operation (loglevel stats) and `binds` counts the binds it answered,
   * for tests that must prove how many reached the directory.
   */
  static async start(options: { logStats?: boolean } = {}): Promise<Slapd> {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-slapd-'));
    const rootpw = execFileSync('slappasswd', ['-s', ROOT_PASSWORD], { encoding: 'utf8' }).trim();
    const conf = join(dir, 'slapd.conf');
    writeFileSync(
      conf,
      [
        'include /etc/ldap/schema/core.schema',
        'include /etc/ldap/schema/cosine.schema',
        'include /etc/ldap/schema/nis.schema',
        'include /etc/ldap/schema/inetorgperson.schema',
        `pidfile ${dir}/slapd.pid`,
        // Accept "unauthenticated" simple binds (a DN without password) as some directories do, so
        // the tests prove the gateway refuses an empty password itself.
        'allow bind_anon_cred',
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'database mdb',
        `suffix "${BASE_DN}"`,
        `rootdn "${ROOT_DN}"`,
        `rootpw ${rootpw}`,
        `directory ${dir}`,
        'maxsize 104857600',
        'access to attrs=userPassword by self write by anonymous auth by * none',
        // Bound users (the gateway's service account among them) may read; anonymous may not search.
        'access to * by users read by * none',
        '',
      ].join('\n'),
    );
    execFileSync('slapadd', ['-f', conf, '-l', SEED], { stdio: 'pipe' });
    const port = await freePort();
    // -d: stay in the foreground (no fork), so the PID we hold is slapd's own; "stats" also logs each operation.
    const child = spawn('/usr/sbin/slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/`, '-d', options.logStats ? 'stats' : '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const log: string[] = [];
    let partial = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      if (!options.logStats) return;
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      log.push(...lines);
    });
    try {
      await waitForPort(port, child, 10_000);
    } catch (e) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${(e as Error).message}\n${stderr}`);
    }
    return new Slapd(dir, port, child, options.logStats ? log : null);
  }

  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Simple binds slapd has answered for this DN so far (needs `logStats`); its log lags a few ms behind. */
  binds(dn: string): number {
    if (!this.log) throw new Error('slapd was started without logStats: it logs no binds');
    const line = ` BIND dn="${dn}" method=128`;
    return this.log.filter((l) => l.endsWith(line)).length;
  }

  /** The site-file `directory` section for this server (YAML flow mapping), with overrides. */
  directoryYaml(extra: Record<string, unknown> = {}): string {
    const section = {
      url: this.url,
      bindDn: SERVICE_DN,
      bindPassword: SERVICE_PASSWORD,
      userBase: `ou=people,${BASE_DN}`,
      groupBase: `ou=groups,${BASE_DN}`,
      adminGroup: 'hpc-admins',
      disabledFilter: '(shadowExpire=1)',
      ...extra,
    };
    return `directory: ${JSON.stringify(section)}\n`;
  }

  /** Changes the directory as its administrator would (ldapmodify / ldapdelete). */
  async asRoot(fn: (c: Client) => Promise<void>): Promise<void> {
    const c = new Client({ url: this.url });
    try {
      await c.bind(ROOT_DN, ROOT_PASSWORD);
      await fn(c);
    } finally {
      await c.unbind();
    }
  }

  deleteEntry(dn: string): Promise<void> {
    return this.asRoot((c) => c.del(dn));
  }

  modify(dn: string, changes: Change | Change[]): Promise<void> {
    return this.asRoot((c) => c.modify(dn, changes));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      process.kill(this.pid, 'SIGTERM');
      const timer = setTimeout(() => this.child.exitCode === null && process.kill(this.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

}
