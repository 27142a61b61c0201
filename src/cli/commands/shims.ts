/**
 * `hpcg shims DIR`: small `#!/bin/sh` executables named after Slurm's commands, so tools that call
 * `sbatch`/`squeue`/… by PATH drive the gateway unchanged. Each execs this very node and main.js by
 * absolute path. A file that is not an hpcg shim is never overwritten without --force (DIR might be
 * /usr/local/bin on a machine with a real Slurm).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import type { ProgramParts } from '../program-parts';

export const SHIM_COMMANDS = ['sbatch', 'squeue', 'scancel', 'sacct', 'sinfo', 'scontrol', 'sacctmgr', 'sshare'] as const;

const MARKER = '# hpcg shim:';

/** POSIX sh single quoting: the only character that needs care inside '…' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function shimScript(command: string, nodePath: string, entryScript: string): string {
  return `#!/bin/sh\n${MARKER} "${command}" runs "hpcg ${command}" against the gateway\nexec ${shQuote(nodePath)} ${shQuote(entryScript)} ${command} "$@"\n`;
}

export function writeShims(dir: string, nodePath: string, entryScript: string, force: boolean): string[] {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  for (const command of SHIM_COMMANDS) {
    const path = join(target, command);
    if (!force && existsSync(path) && !readFileSync(path, 'utf8').includes(MARKER)) {
      throw new CommandError(`${path} exists and is not an hpcg shim; remove it or pass --force to replace it`);
    }
  }
  return SHIM_COMMANDS.map((command) => {
    const path = join(target, command);
    // Write beside and rename, so a tool running the shim at this moment never reads half a file.
    const temporary = `${path}.hpcg-${process.pid}`;
    writeFileSync(temporary, shimScript(command, nodePath, entryScript), { mode: 0o755 });
    chmodSync(temporary, 0o755);
    renameSync(temporary, path);
    return path;
  });
}

export function registerShims({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('shims', 'write sbatch, squeue, scancel, sacct, sinfo and scontrol executables that run hpcg')
    .argument('<dir>', 'directory to write them into (created if missing); put it first on PATH')
    .option('--force', 'replace files that are not hpcg shims')
    .action((dir: string, opts: { force?: boolean }) =>
      run('hpcg shims', async () => {
        const written = writeShims(resolve(ctx.io.cwd, dir), ctx.nodePath, ctx.entryScript, !!opts.force);
        ctx.io.stdout(`wrote ${SHIM_COMMANDS.join(', ')} to ${resolve(ctx.io.cwd, dir)} (${written.length} files); put it first on PATH\n`);
        return 0;
      }),
    );
}
