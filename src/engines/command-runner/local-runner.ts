import { spawn } from 'node:child_process';
import { CommandRequest, CommandResult, CommandRunner, RunnerUnavailableError } from './command-runner';

export interface LocalRunnerOptions {
  /** The whole environment of every command (commands see nothing of the worker's own). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Largest stdout/stderr kept per command. */
  maxOutputBytes?: number;
}

/** Runs commands on this host with child_process: argv array, no shell. */
export class LocalRunner implements CommandRunner {
  constructor(private readonly opts: LocalRunnerOptions) {}

  describe(): string {
    return 'local';
  }

  run(request: CommandRequest): Promise<CommandResult> {
    const [file, ...args] = request.argv;
    const timeoutMs = request.timeoutMs ?? this.opts.timeoutMs;
    const max = this.opts.maxOutputBytes ?? 64 * 2 ** 20;
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { env: this.opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size <= max) into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new RunnerUnavailableError(`${file} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new RunnerUnavailableError(`cannot run ${file}: ${e.message}`));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      // A command that does not read its stdin closes it early: that is not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(request.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
