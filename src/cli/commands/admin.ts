/**
 * `hpcg user add|list` and `hpcg token issue|list|revoke`: what an administrator needs to give a person a
 * gateway account whose jobs run as their Unix identity, and a token to use it (README "Quick start").
 */
import { createUser, issueToken, listTokens, listUsers, revokeToken, type AdminToken, type AdminUser } from '../admin-api';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { localAccount, type LocalAccount } from '../local-account';
import type { ProgramParts } from '../program-parts';

export interface UserAddOptions {
  uid?: string;
  gid?: string;
  home?: string;
  groups?: string;
  admin?: boolean;
}

export interface TokenIssueOptions {
  name?: string;
  scopes?: string;
  days?: string;
}

function int(option: string, value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new CommandError(`${option} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function registerAdmin({ subcommand, run }: ProgramParts, ctx: CliContext, lookup: (name: string) => LocalAccount | null = localAccount): void {
  const user = subcommand('user', 'manage gateway users (administrators)');
  user
    .command('add')
    .description("create a gateway user; without --uid, its uid, gid and home are this host's passwd entry for NAME")
    .helpOption('--help', 'show this help')
    .argument('<name>', 'user name (a POSIX user name)')
    .option('--uid <uid>', 'Unix uid jobs run as (>= the site security.minUid)')
    .option('--gid <gid>', 'Unix primary gid (>= the site security.minGid); required with --uid')
    .option('--home <dir>', 'home directory (default: from passwd, or none with --uid)')
    .option('--groups <a,b>', 'group names (partition ACLs, limits)')
    .option('--admin', 'make the user an administrator')
    .action((name: string, opts: UserAddOptions) => run('user add', () => runUserAdd(ctx, name, opts, lookup)));
  user
    .command('list')
    .description('list gateway users')
    .helpOption('--help', 'show this help')
    .action(() => run('user list', () => runUserList(ctx)));

  const token = subcommand('token', 'manage API tokens');
  token
    .command('issue')
    .description("issue an API token for USER and print it (shown once)")
    .helpOption('--help', 'show this help')
    .argument('<user>', 'user name')
    .option('--name <name>', 'what the token is for', 'hpcg token issue')
    .option('--scopes <a,b>', 'restrict the token to these scopes (default: the user\'s full rights)')
    .option('--days <n>', 'expire after this many days (default: never)')
    .action((username: string, opts: TokenIssueOptions) => run('token issue', () => runTokenIssue(ctx, username, opts)));
  token
    .command('list')
    .description("list your tokens, or USER's (administrators)")
    .helpOption('--help', 'show this help')
    .argument('[user]', 'user name')
    .action((username: string | undefined) => run('token list', () => runTokenList(ctx, username ?? null)));
  token
    .command('revoke')
    .description('revoke a token by id')
    .helpOption('--help', 'show this help')
    .argument('<id>', 'token id (hpcg token list)')
    .action((id: string) => run('token revoke', () => runTokenRevoke(ctx, id)));
}

export async function runUserAdd(ctx: CliContext, name: string, opts: UserAddOptions, lookup: (name: string) => LocalAccount | null = localAccount): Promise<number> {
  let identity: { uid?: number; gid?: number; home?: string };
  if (opts.uid !== undefined) {
    if (opts.gid === undefined) throw new CommandError('--gid is required with --uid: a job runs with both');
    identity = { uid: int('--uid', opts.uid), gid: int('--gid', opts.gid), home: opts.home };
  } else {
    if (opts.gid !== undefined) throw new CommandError('--gid needs --uid (without --uid, both come from the passwd entry)');
    const account = lookup(name);
    if (!account) {
      throw new CommandError(`no local user "${name}" on this host (getent passwd ${name} found nothing): give --uid and --gid, or create the Unix account first`);
    }
    identity = { uid: account.uid, gid: account.gid, home: opts.home ?? account.home };
  }
  const created = await createUser(ctx.client(), { username: name, ...identity, groups: list(opts.groups), admin: opts.admin || undefined });
  ctx.io.stdout(`created user ${created.username} (id ${created.id}, uid ${created.uid}, gid ${created.gid}${created.home ? `, home ${created.home}` : ''}${created.admin ? ', administrator' : ''})\n`);
  return 0;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : String(v));

export async function runUserList(ctx: CliContext): Promise<number> {
  const users = await listUsers(ctx.client());
  const flags = (u: AdminUser) => [u.admin && 'admin', u.disabled && 'disabled', u.fromDirectory && 'directory'].filter(Boolean).join(',');
  ctx.io.stdout(table([['ID', 'USER', 'UID', 'GID', 'HOME', 'GROUPS', 'FLAGS'], ...users.map((u) => [String(u.id), u.username, dash(u.uid), dash(u.gid), dash(u.home), dash(u.groups.join(',')), dash(flags(u))])]));
  return 0;
}

export async function runTokenIssue(ctx: CliContext, username: string, opts: TokenIssueOptions): Promise<number> {
  const issued = await issueToken(ctx.client(), {
    username,
    name: opts.name ?? 'hpcg token issue',
    scopes: list(opts.scopes) ?? null,
    expiresInDays: opts.days === undefined ? null : int('--days', opts.days),
  });
  // The token alone on stdout, so `TOKEN=$(hpcg token issue alice)` works; what it is goes to stderr.
  ctx.io.stdout(`${issued.token}\n`);
  ctx.io.stderr(`token ${issued.apiToken.id} for ${username}${issued.apiToken.expiresAt ? `, expires ${issued.apiToken.expiresAt}` : ''} (shown once)\n`);
  return 0;
}

export async function runTokenList(ctx: CliContext, username: string | null): Promise<number> {
  const tokens = await listTokens(ctx.client(), username);
  const state = (t: AdminToken) => (t.revokedAt ? 'revoked' : t.expiresAt && new Date(t.expiresAt) <= ctx.io.now() ? 'expired' : 'active');
  ctx.io.stdout(table([['ID', 'NAME', 'PREFIX', 'SCOPES', 'STATE', 'EXPIRES', 'LAST_USED'], ...tokens.map((t) => [String(t.id), t.name, t.prefix, dash(t.scopes.join(',')), state(t), dash(t.expiresAt), dash(t.lastUsedAt)])]));
  return 0;
}

export async function runTokenRevoke(ctx: CliContext, id: string): Promise<number> {
  const revoked = await revokeToken(ctx.client(), int('token id', id));
  ctx.io.stdout(`revoked token ${revoked.id} (${revoked.name})\n`);
  return 0;
}
