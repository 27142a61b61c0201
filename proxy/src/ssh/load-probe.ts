import { Client } from 'ssh2';
import type { SshProbeSettings } from '../config/ssh-schema';
import { type LoadReport, LoadReportError, parseLoadReport } from './load-report';

export type ProbeResult = { ok: true; report: LoadReport } | { ok: false; detail: string };

const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Logs in to a node with the probe's dedicated key and runs its command (ssh2 exec). The command is
 * fixed by the site configuration, never built from user input. The node's host key is not checked:
 * the probe sends no secret to the node and trusts it only with a load figure.
 */
export function probeLoad(host: string, port: number, probe: SshProbeSettings & { privateKey: Buffer }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const conn = new Client();
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle({ ok: false, detail: `no answer within ${probe.timeout}ms` });
      conn.destroy();
    }, probe.timeout);
    conn.on('error', (err) => settle({ ok: false, detail: err.message }));
    conn.on('ready', () => {
      conn.exec(probe.command, (err, stream) => {
        if (err) return settle({ ok: false, detail: `exec failed: ${err.message}` });
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
      });
    });
    conn.connect({ host, port, username: probe.user, privateKey: probe.privateKey, readyTimeout: probe.timeout, keepaliveInterval: 0 });
  });
}
