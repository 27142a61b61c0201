import { type ChildProcess, spawn } from 'node:child_process';
import { bin } from '../support/gateway-process';
import { TEST_TOKEN } from './proxy-harness';

/** The built bin, as package.json's `hpcg-proxy` names it (the test command builds before it runs jest). */
const MAIN = bin('hpcg-proxy');

export interface ProxyProcess {
  child: ChildProcess;
  /** JSON log lines so far. */
  lines: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

/** The command line that runs hpcg-proxy (for whoever starts it: a test, JupyterHub). */
export const PROXY_COMMAND = [process.execPath, MAIN];

/** Runs `hpcg-proxy ARGS` as its own process, the way a site or JupyterHub starts it. */
export function runProxyProcess(args: string[], env: NodeJS.ProcessEnv = { CONFIGPROXY_AUTH_TOKEN: TEST_TOKEN }): ProxyProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, HPCG_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stdout: () => out, stderr: () => err, exit };
}

/** "127.0.0.1:43123" -> 43123 */
export function portOf(address: unknown): number {
  return Number(String(address).split(':').pop());
}
