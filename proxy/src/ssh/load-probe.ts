import { Client } from 'ssh2';
import type { SshProbeSettings } from '../config/ssh-schema';
import { type LoadReport, LoadReportError, parseLoadReport } from './load-report';

export type ProbeResult = { ok: true; report: LoadReport } | { ok: false; detail: string };

const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Measures one node's load: runs the probe's command (ssh2 exec), logged in with the probe's dedicated
 * key. The SSH connection is kept between rounds and opened again only when it breaks: a key exchange
 * costs tens of milliseconds of CPU on both ends, which at one probe per node per second would take
 * that CPU from the connections the front relays. An exec session has no terminal, so the probe does
 * not count itself among the node's logged-in users. The command is fixed by the site configuration,
 * never built from user input. The node's host key is not checked: the probe sends no secret to the
 * node and trusts it only with a load figure.
 */
export class NodeLoadProbe {
  private conn: Client | null = null;
  private ready: Promise<Client> | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly probe: SshProbeSettings & { privateKey: Buffer },
  ) {}

  run(): Promise<ProbeResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        settle({ ok: false, detail: `no answer within ${this.probe.timeout}ms` });
        this.close();
      }, this.probe.timeout);
      this.connection().then(
        (conn) =>
          conn.exec(this.probe.command, (err, stream) => {
            if (err) {
              this.close();
              return settle({ ok: false, detail: `exec failed: ${err.message}` });
            }
            let out = '';
            let errOut = '';
            stream.on('data', (d: Buffer) => {
              if (out.length < MAX_OUTPUT_BYTES) out += d.toString('utf8');
            });
            stream.stderr.on('data', (d: Buffer) => {
              if (errOut.length < 1024) errOut += d.toString('utf8');
            });
            stream.on('close', (code: number | null) => {
              if (code !== 0) return settle({ ok: false, detail: `the probe command exited with ${code}${errOut ? `: ${errOut.trim().slice(0, 200)}` : ''}` });
              try {
                settle({ ok: true, report: parseLoadReport(out) });
              } catch (e) {
                if (!(e instanceof LoadReportError)) throw e;
                settle({ ok: false, detail: e.message });
              }
            });
          }),
        (err: Error) => settle({ ok: false, detail: err.message }),
      );
    });
  }

  /** Closes the kept connection (a broken one, or at shutdown); the next run opens a new one. */
  close(): void {
    const conn = this.conn;
    this.conn = null;
    this.ready = null;
    conn?.destroy();
  }

  private connection(): Promise<Client> {
    if (this.ready) return this.ready;
    const conn = new Client();
    this.conn = conn;
    this.ready = new Promise<Client>((resolve, reject) => {
      conn.once('ready', () => resolve(conn));
      // Before 'ready' this fails the run; after it, it only drops the connection for the next round.
      conn.on('error', (err) => {
        reject(err);
        if (this.conn === conn) this.close();
      });
      conn.once('close', () => {
        reject(new Error('connection closed'));
        if (this.conn === conn) this.close();
      });
    });
    conn.connect({ host: this.host, port: this.port, username: this.probe.user, privateKey: this.probe.privateKey, readyTimeout: this.probe.timeout, keepaliveInterval: 0 });
    return this.ready;
  }
}
