import { SetMetadata, applyDecorators } from '@nestjs/common';
import type { ScopeName } from './scopes';

/**
 * What an operation needs, declared on every resolver method and HTTP route (deny by default: the
 * AccessGuard refuses an operation that declares nothing). Ownership of the data an operation
 * touches is decided by the rules in ownership.ts, which services apply to the rows they load.
 */
export type AccessRule =
  /** No token: login, health, metrics, and routes guarded by their own secret (notebook registration). */
  | { kind: 'public' }
  /** Any valid token, whatever its scopes (who am I). */
  | { kind: 'signed-in' }
  | {
      kind: 'scope';
      scope: ScopeName;
      /** Administrators only (their token must carry the `admin` scope too). */
      admin: boolean;
      /** Refused to a service acting for a user (`X-Hpcg-Act-As`): token management, user administration. */
      direct: boolean;
    };

export const ACCESS_RULE = 'hpcg:access-rule';

const declare = (rule: AccessRule) => applyDecorators(SetMetadata(ACCESS_RULE, rule));

/** No token needed. */
export const Public = () => declare({ kind: 'public' });
/** Any valid token. */
export const SignedIn = () => declare({ kind: 'signed-in' });
/** A token carrying `scope`; `direct`: not while acting for someone. */
export const RequireScope = (scope: ScopeName, opts: { direct?: boolean } = {}) => declare({ kind: 'scope', scope, admin: false, direct: opts.direct ?? false });
/** An administrator's token carrying `scope` (and `admin`), never while acting for someone. */
export const AdminOnly = (scope: ScopeName) => declare({ kind: 'scope', scope, admin: true, direct: true });

export function describeRule(rule: AccessRule): string {
  if (rule.kind !== 'scope') return rule.kind;
  return `${rule.admin ? 'admin ' : ''}${rule.scope}${rule.direct && !rule.admin ? ' (direct)' : ''}`;
}
