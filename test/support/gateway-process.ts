import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The checkout: the nearest folder above test/ with a package.json (this file also runs compiled, from dist/test/support/). */
export const ROOT = ((dir: string): string => (existsSync(join(dir, 'package.json')) ? dir : resolve(dir, '..')))(resolve(__dirname, '../..'));
export const DIST = join(ROOT, 'dist');

/** An executable of the build, as package.json's `bin` names it and users run it: `node dist/bin/NAME.js`. */
export const bin = (name: 'hpcg' | 'hpcg-api' | 'hpcg-worker' | 'hpcg-migrate' | 'hpcg-proxy'): string => join(DIST, 'bin', `${name}.js`);

/** A gateway process (API or worker) started from the build, as a user starts it. */
export class GatewayProcess {
  private exited: Promise<number | null>;
  port = 0;

  private constructor(
    readonly role: 'api' | 'worker',
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  }

  static async start(role: 'api' | 'worker', env: Record<string, string>, logDir: string, timeoutMs = 30_000): Promise<GatewayProcess> {
    const logFile = join(logDir, `${role}-${Date.now()}.log`);
    const out = createWriteStream(logFile);
    const child = spawn(process.execPath, [bin(role === 'api' ? 'hpcg-api' : 'hpcg-worker')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', HPCG_LOG_LEVEL: 'info', ...env },
      // A job of a user without a home is submitted from the API's working directory: the test's, not the checkout.
      cwd: logDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new GatewayProcess(role, child, logFile);
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    proc.port = await new Promise<number>((resolvePort, reject) => {
      let buffer = '';
      const timer = setTimeout(() => {
        // A process that never said where it listens is nobody's to stop later: stop it now.
        child.kill('SIGKILL');
        reject(new Error(`${role} did not start within ${timeoutMs} ms; log: ${logFile}\n${buffer.slice(-3000)}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString();
        const m = buffer.match(/"port":(\d+)[^\n]*"msg":"listening"|"msg":"listening"[^\n]*"port":(\d+)/);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolvePort(Number(m[1] ?? m[2]));
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited with ${code} before listening; log: ${logFile}\n${buffer.slice(-3000)}`));
      });
    });
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Graceful stop (SIGTERM), or SIGKILL when `hard` (a crash). */
  async stop(hard = false, timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }
}
