import { Client, ClientChannel } from 'ssh2';
import { CommandRequest, CommandResult, CommandRunner, RunnerUnavailableError } from './command-runner';
import { isKnownHostKey, parseKnownHosts } from './known-hosts';
import { quoteCommand } from './shell-quote';

export interface SshRunnerOptions {
  host: string;
  port: number;
  /** Default login (service account); a request may name another (submission as the user). */
  user: string;
  /** Private key (OpenSSH or PEM) used for every login. */
  privateKey: Buffer;
  /** known_hosts text: the server's host key must be listed for host:port. */
  knownHosts: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Connections kept per login, and commands in flight per connection (sshd's MaxSessions is 10). */
  maxConnections?: number;
  maxSessionsPerConnection?: number;
}

interface PooledConnection {
  client: Client;
  ready: Promise<void>;
  active: number;
  closed: boolean;
}

/**
 * Runs commands on a login/submit node over SSH exec (ssh2): key authentication, the host key checked
 * against known_hosts, a pool of reconnecting connections per login, a timeout on connecting and on
 * every command. The remote side gets one line, built by the one quoting function.
 */
export class SshRunner implements CommandRunner {
  private readonly pools = new Map<string, PooledConnection[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly known;
  private closing = false;

  constructor(private readonly opts: SshRunnerOptions) {
    this.known = parseKnownHosts(opts.knownHosts);
  }

  describe(): string {
    return `ssh ${this.opts.user}@${this.opts.host}:${this.opts.port}`;
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    if (this.closing) throw new RunnerUnavailableError(`${this.describe()}: runner is closed`);
    const login = request.login ?? this.opts.user;
    const conn = await this.acquire(login);
    try {
      return await this.exec(conn, login, request);
    } finally {
      conn.active--;
      this.waiters.shift()?.();
    }
  }

  private exec(conn: PooledConnection, login: string, request: CommandRequest): Promise<CommandResult> {
    const line = quoteCommand(request.argv);
    const timeoutMs = request.timeoutMs ?? this.opts.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      let channel: ClientChannel | null = null;
      const timer = setTimeout(() => {
        channel?.close();
        reject(new RunnerUnavailableError(`${login}@${this.opts.host}: ${request.argv[0]} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      conn.client.exec(line, (err, ch) => {
        if (err) {
          clearTimeout(timer);
          // A connection that cannot open a channel is no good for the next command either.
          this.discard(login, conn);
          reject(new RunnerUnavailableError(`${login}@${this.opts.host}: cannot run ${request.argv[0]}: ${err.message}`));
          return;
        }
        channel = ch;
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        ch.on('data', (d: Buffer) => out.push(d));
        ch.stderr.on('data', (d: Buffer) => errOut.push(d));
        ch.once('close', (code: number | null | undefined) => {
          clearTimeout(timer);
          resolve({ code: typeof code === 'number' ? code : null, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') });
        });
        ch.end(request.stdin ?? '');
      });
    });
  }

  private async acquire(login: string): Promise<PooledConnection> {
    const maxConnections = this.opts.maxConnections ?? 4;
    const maxSessions = this.opts.maxSessionsPerConnection ?? 8;
    for (;;) {
      const pool = (this.pools.get(login) ?? []).filter((c) => !c.closed);
      this.pools.set(login, pool);
      const free = pool.filter((c) => c.active < maxSessions).sort((a, b) => a.active - b.active)[0];
      const conn = free ?? (pool.length < maxConnections ? this.connect(login, pool) : null);
      if (conn) {
        conn.active++;
        try {
          await conn.ready;
          return conn;
        } catch (e) {
          conn.active--;
          this.waiters.shift()?.();
          throw e;
        }
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private connect(login: string, pool: PooledConnection[]): PooledConnection {
    const client = new Client();
    const conn: PooledConnection = { client, active: 0, closed: false, ready: Promise.resolve() };
    const where = `${login}@${this.opts.host}:${this.opts.port}`;
    let hostKeyRefused = false;
    conn.ready = new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (e) => {
        this.discard(login, conn);
        reject(new RunnerUnavailableError(hostKeyRefused ? `${where}: host key not in known_hosts; refusing to connect` : `${where}: ${e.message}`));
      });
      client.once('close', () => {
        this.discard(login, conn);
        reject(new RunnerUnavailableError(`${where}: connection closed`));
      });
    });
    // A failed connection is reported to the command that asked for it; nobody else awaits `ready`.
    conn.ready.catch(() => undefined);
    pool.push(conn);
    client.connect({
      host: this.opts.host,
      port: this.opts.port,
      username: login,
      privateKey: this.opts.privateKey,
      readyTimeout: this.opts.connectTimeoutMs,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer) => {
        const ok = isKnownHostKey(this.known, this.opts.host, this.opts.port, key);
        hostKeyRefused = !ok;
        return ok;
      },
    });
    return conn;
  }

  private discard(login: string, conn: PooledConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.client.end();
    const pool = this.pools.get(login);
    if (pool) this.pools.set(login, pool.filter((c) => c !== conn));
    this.waiters.shift()?.();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const [login, pool] of this.pools) for (const c of pool) this.discard(login, c);
    for (const w of this.waiters.splice(0)) w();
  }
}
