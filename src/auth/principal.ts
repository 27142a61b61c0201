import { forbidden } from '../common/domain-error';

/** Who is calling: resolved once per request by the bearer strategy. */
export interface Principal {
  userId: number;
  username: string;
  admin: boolean;
  /** Empty = the user's full rights; otherwise only what is listed (see Scope). */
  scopes: string[];
  tokenId: number | null;
  /** The Unix identity jobs run as, and the groups partition ACLs check (from the user record). */
  uid: number | null;
  gid: number | null;
  home: string | null;
  groups: string[];
  /** The Unix group ids the user's jobs run with (supplementary groups). */
  groupIds: number[];
  /** Set when a service token acts for this user (`X-Hpcg-Act-As`): the service's user name. */
  actingService: string | null;
}

export function principalOf(
  user: { id: number; username: string; admin: boolean; uid: number | null; gid: number | null; home: string | null; groups: string[]; groupIds: number[] },
  scopes: string[],
  tokenId: number | null,
  actingService: string | null = null,
): Principal {
  return { userId: user.id, username: user.username, admin: user.admin, scopes, tokenId, uid: user.uid, gid: user.gid, home: user.home, groups: user.groups, groupIds: user.groupIds, actingService };
}

export const Scope = {
  JobsRead: 'jobs:read',
  JobsWrite: 'jobs:write',
  Tokens: 'tokens',
  /** A service (JupyterHub) acting for a named user; never implied by an unscoped token (see tokens.service.ts). */
  ActAs: 'users:act-as',
} as const;

export function hasScope(p: Principal, scope: string): boolean {
  return p.scopes.length === 0 || p.scopes.includes(scope);
}

/** FORBIDDEN, naming the scope, unless the caller's token has it. */
export function requireScope(p: Principal, scope: string): void {
  if (!hasScope(p, scope)) throw forbidden(`this token lacks the "${scope}" scope`);
}
