/**
 * `hpcg login`: log in with the directory user name and password (prompted without echo on a
 * terminal, or read from stdin with --password-stdin), or check an existing API token (--token, read
 * from stdin). Either way the token is saved for later commands in ~/.config/hpcg/token, mode 0600.
 * Secrets are never taken from argv, where `ps` would show them.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { TokenRefusedError } from '../gateway-client';
import { login, whoAmI } from '../gateway-api';
import type { ProgramParts } from '../program-parts';

interface LoginOptions {
  user?: string;
  passwordStdin?: boolean;
  token?: boolean;
}

export function registerLogin({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('login', 'log in with your directory user name and password, and save the API token for later commands')
    .option('-u, --user <name>', 'directory user name (default: asked on the terminal)')
    .option('--password-stdin', 'read the password from the first line of stdin instead of asking')
    .option('--token', 'save an existing API token read from stdin instead of logging in')
    .action((opts: LoginOptions) => run('hpcg login', () => (opts.token ? runTokenLogin(ctx) : runPasswordLogin(ctx, opts))));
}

async function firstStdinLine(ctx: CliContext): Promise<string> {
  return (await ctx.io.readStdin()).toString('utf8').split('\n')[0].replace(/\r$/, '');
}

async function runPasswordLogin(ctx: CliContext, opts: LoginOptions): Promise<number> {
  const { io } = ctx;
  const fromStdin = opts.passwordStdin || !io.stdinIsTty;
  const username = opts.user ?? (io.stdinIsTty ? (await io.promptLine('User name: ', true)).trim() : '');
  if (username === '') throw new CommandError('no user name: give it with -u NAME');
  const password = fromStdin ? await firstStdinLine(ctx) : await io.promptLine(`Password for ${username}: `, false);
  if (password === '') throw new CommandError('no password given');
  let result: Awaited<ReturnType<typeof login>>;
  try {
    result = await login(ctx.client(null), username, password);
  } catch (e) {
    if (e instanceof TokenRefusedError) throw new CommandError('login failed: invalid user name or password');
    throw e;
  }
  return save(ctx, result.token, result.username);
}

async function runTokenLogin(ctx: CliContext): Promise<number> {
  const { io } = ctx;
  if (io.stdinIsTty) io.stderr('Paste the API token, then press Enter and Ctrl-D: ');
  const token = (await firstStdinLine(ctx)).trim();
  if (token === '') throw new CommandError('no token on stdin: pipe it in, e.g. "hpcg login --token < token.txt"');
  const me = await whoAmI(ctx.client(token));
  return save(ctx, token, me.username);
}

function save(ctx: CliContext, token: string, username: string): number {
  const { io } = ctx;
  const { tokenFile, url } = ctx.config();
  mkdirSync(dirname(tokenFile), { recursive: true, mode: 0o700 });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  io.stdout(`logged in to ${url} as ${username}; token saved to ${tokenFile}\n`);
  if (io.env.HPCG_TOKEN) io.stderr('hpcg: note: HPCG_TOKEN is set and takes precedence over the saved token\n');
  return 0;
}
