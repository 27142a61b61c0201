/**
 * `hpcg shims DIR`: small `#!/bin/sh` executables named after Slurm's commands, so tools that call
 * `sbatch`/`squeue`/… by PATH drive the gateway unchanged. Each execs this very node and `hpcg` by
 * absolute path. A file that is not an hpcg shim is never overwritten without --force (DIR might be
 * /usr/local/bin on a machine with a real Slurm).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseGatewayUrl, SHIM_URL_VARIABLE } from '../cli-config';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import type { ProgramParts } from '../program-parts';

export const SHIM_COMMANDS = ['sbatch', 'squeue', 'scancel', 'sacct', 'sinfo', 'scontrol', 'sacctmgr', 'sshare'] as const;

const MARKER = '# hpcg shim:';

/** POSIX sh single quoting: the only character that needs care inside '…' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `siteUrl`: the gateway these shims are for, below HPCG_URL and above the configuration files (cli-config.ts). */
export function shimScript(command: string, nodePath: string, entryScript: string, siteUrl: string | null = null): string {
  const site = siteUrl === null ? '' : `${SHIM_URL_VARIABLE}=${shQuote(siteUrl)}\nexport ${SHIM_URL_VARIABLE}\n`;
  return `#!/bin/sh\n${MARKER} "${command}" runs "hpcg ${command}" against the gateway\n${site}exec ${shQuote(nodePath)} ${shQuote(entryScript)} ${command} "$@"\n`;
}

export function writeShims(dir: string, nodePath: string, entryScript: string, force: boolean, siteUrl: string | null = null): string[] {
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
    writeFileSync(temporary, shimScript(command, nodePath, entryScript, siteUrl), { mode: 0o755 });
    chmodSync(temporary, 0o755);
    renameSync(temporary, path);
    return path;
  });
}

export function registerShims({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('shims', 'write sbatch, squeue, scancel, sacct, sinfo and scontrol executables that run hpcg')
    .argument('<dir>', 'directory to write them into (created if missing); put it first on PATH')
    .option('--force', 'replace files that are not hpcg shims')
    .option('--url <url>', 'the gateway these shims use unless HPCG_URL says otherwise (over the cli.yaml files)')
    .action((dir: string, opts: { force?: boolean; url?: string }) =>
      run('hpcg shims', async () => {
        const siteUrl = opts.url === undefined ? null : parseGatewayUrl(opts.url, '--url');
        const written = writeShims(resolve(ctx.io.cwd, dir), ctx.nodePath, ctx.entryScript, !!opts.force, siteUrl);
        ctx.io.stdout(`wrote ${SHIM_COMMANDS.join(', ')} to ${resolve(ctx.io.cwd, dir)} (${written.length} files); put it first on PATH\n`);
        return 0;
      }),
    );
}
