/**
 * `hpcg login`: store an API token for later commands in ~/.config/hpcg/token (mode 0600), after the
 * gateway has accepted it. The token is read from stdin, never from argv, where `ps` would show it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { whoAmI } from '../gateway-api';
import type { ProgramParts } from '../program';

export function registerLogin({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('login', 'check an API token and save it for later commands (reads the token from stdin)').action(() =>
    run('hpcg login', () => runLogin(ctx)),
  );
}

export async function runLogin(ctx: CliContext): Promise<number> {
  const { io } = ctx;
  if (io.stdinIsTty) io.stderr('Paste the API token, then press Enter and Ctrl-D: ');
  const token = (await io.readStdin()).toString('utf8').split('\n')[0].trim();
  if (token === '') throw new CommandError('no token on stdin: pipe it in, e.g. "hpcg login < token.txt"');

  const me = await whoAmI(ctx.client(token));
  const { tokenFile, url } = ctx.config();
  mkdirSync(dirname(tokenFile), { recursive: true, mode: 0o700 });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  io.stdout(`logged in to ${url} as ${me.username}; token saved to ${tokenFile}\n`);
  if (io.env.HPCG_TOKEN) io.stderr('hpcg: note: HPCG_TOKEN is set and takes precedence over the saved token\n');
  return 0;
}
