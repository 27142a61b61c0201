import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `--name N` from the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * What every benchmark script needs around the processes it compares: a temporary directory, checks
 * that the tools are installed, and child processes that are killed (and the directory removed)
 * however the script ends.
 */
export function benchRun(label: string) {
  const children: ChildProcess[] = [];
  const tempDir = mkdtempSync(join(tmpdir(), `hpcg-${label.replace(/\W+/g, '-')}-`));
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(tempDir, { recursive: true, force: true });
  });
  process.on('SIGINT', () => process.exit(130));
  return {
    tempDir,
    need(command: string, hint: string): void {
      try {
        execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      } catch {
        console.error(`${label}: ${command} is not installed (${hint})`);
        process.exit(2);
      }
    },
    start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
      const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d));
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') console.error(`${label}: ${name} exited (${code ?? signal}): ${err.trim()}`);
      });
      children.push(child);
      return child;
    },
  };
}
