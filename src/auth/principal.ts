import { Scope, fullScopesOf } from './authorization/scopes';

/** Who is calling: resolved once per request by the bearer strategy. */
export interface Principal {
  userId: number;
  username: string;
  /** Administrator rights: the user is an administrator AND the token carries the `admin` scope. */
  admin: boolean;
  /** What this request may do, always explicit (a token stored without scopes resolves to its user's full rights). */
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

export interface PrincipalUser {
  id: number;
  username: string;
  admin: boolean;
  serviceAccount?: boolean;
  uid: number | null;
  gid: number | null;
  home: string | null;
  groups: string[];
  groupIds: number[];
}

/** A token's stored scopes made explicit: none stored = everything its user holds (never act-as). */
export function effectiveScopes(user: PrincipalUser, stored: readonly string[]): string[] {
  const full = fullScopesOf(user);
  return stored.length === 0 ? full : stored.filter((s) => full.includes(s) || (s === Scope.ActAs && user.serviceAccount === true));
}

export function principalOf(user: PrincipalUser, scopes: string[], tokenId: number | null, actingService: string | null = null): Principal {
  return {
    userId: user.id,
    username: user.username,
    admin: user.admin && scopes.includes(Scope.Admin),
    scopes,
    tokenId,
    uid: user.uid,
    gid: user.gid,
    home: user.home,
    groups: user.groups,
    groupIds: user.groupIds,
    actingService,
  };
}

