import { badInput, forbidden } from '../common/domain-error';
import { securitySchema, type SecurityConfig } from '../config/security-config.schema';

/**
 * The Unix identity policy (DESIGN.md §4 "No job without a real identity"), the one place the rule is
 * written: a job runs as its owner's uid and gid, and only when both are known and at least
 * `security.minUid` / `security.minGid`. The gateway (and its worker) runs as root, so an owner without
 * an identity must never mean "the worker's own user", and uid/gid 0..minUid-1 are system accounts no
 * job may borrow. Submission, the directory, the act-as path and every engine call these functions.
 */

/** The least a policy check needs: who, and the uid/gid a job would run as. */
export interface UnixIdentityCandidate {
  username: string;
  uid: number | null;
  gid: number | null;
}

/** How the message names the subject and its fields: a gateway user, or a directory entry (uidNumber/gidNumber). */
export interface IdentityWording {
  /** e.g. `user admin`, `directory entry alice`. */
  subject: string;
  uidField: string;
  gidField: string;
}

/** What a site that sets nothing gets: the schema's defaults (minUid/minGid 1000). */
export const DEFAULT_SECURITY: SecurityConfig = securitySchema.parse(undefined);

const WHY = 'jobs run as their owner, never as the gateway\'s own user or a system account';

export function userWording(username: string): IdentityWording {
  return { subject: `user ${username}`, uidField: 'uid', gidField: 'gid' };
}

/** The largest uid/gid Linux allows ((uid_t)-1 means "no change" to setuid). */
export const MAX_UNIX_ID = 4_294_967_294;

/** The first of uid, gid that is missing or outside [min, MAX_UNIX_ID], with the bound it breaks; null when both are fine. */
function firstOutOfRange(uid: number | null, gid: number | null, security: SecurityConfig): { field: 'uid' | 'gid'; value: number | null; min: number } | null {
  const ok = (v: number | null, min: number) => v !== null && Number.isInteger(v) && v >= min && v <= MAX_UNIX_ID;
  if (!ok(uid, security.minUid)) return { field: 'uid', value: uid, min: security.minUid };
  if (!ok(gid, security.minGid)) return { field: 'gid', value: gid, min: security.minGid };
  return null;
}

/** Why this user cannot own a job under the site's policy, or null when they can. */
export function unixIdentityProblem(user: UnixIdentityCandidate, security: SecurityConfig, wording: IdentityWording = userWording(user.username)): string | null {
  const { subject, uidField, gidField } = wording;
  if (user.uid === null && user.gid === null) {
    return `${subject} has no Unix identity (${uidField}/${gidField}); ${WHY}: an administrator must give the user a ${uidField} >= ${security.minUid} and a ${gidField} >= ${security.minGid}`;
  }
  const bad = firstOutOfRange(user.uid, user.gid, security);
  if (!bad) return null;
  const name = bad.field === 'uid' ? uidField : gidField;
  const setting = bad.field === 'uid' ? 'security.minUid' : 'security.minGid';
  if (bad.value === null) return `${subject} has no ${name}; ${WHY}: it must be >= ${setting} ${bad.min}`;
  if (bad.value > MAX_UNIX_ID) return `${subject} has ${name} ${bad.value}, above the largest Unix id ${MAX_UNIX_ID}`;
  return `${subject} has ${name} ${bad.value}, below ${setting} ${bad.min}: ${WHY}`;
}

/**
 * For an administrator giving a user an identity (createUser): none at all is allowed (service accounts,
 * administrators: they simply cannot own jobs); otherwise both uid and gid, within the policy's range.
 */
export function assertAssignableIdentity(input: { uid: number | null; gid: number | null }, security: SecurityConfig): void {
  if (input.uid === null && input.gid === null) return;
  const bad = firstOutOfRange(input.uid, input.gid, security);
  if (!bad) return;
  const allowed = `${bad.min}..${MAX_UNIX_ID}`;
  const setting = bad.field === 'uid' ? 'security.minUid' : 'security.minGid';
  const message =
    bad.value === null
      ? `${bad.field} is required when ${bad.field === 'uid' ? 'gid' : 'uid'} is given: a job runs with both; allowed ${allowed} (${setting} ${bad.min}), or neither for a user who will not own jobs`
      : `${bad.field} ${bad.value} is not allowed: allowed ${allowed} (${setting} ${bad.min}); lower ids are system accounts no job may run as`;
  throw badInput(message, { field: bad.field, value: bad.value, allowed: { min: bad.min, max: MAX_UNIX_ID } });
}

/** A user whose identity passed the policy. */
export type CheckedIdentity<T extends UnixIdentityCandidate> = T & { uid: number; gid: number };

/** FORBIDDEN with the reason unless the user may own a job; narrows uid/gid to numbers. */
export function assertUnixIdentity<T extends UnixIdentityCandidate>(
  user: T,
  security: SecurityConfig,
  wording: IdentityWording = userWording(user.username),
  details: Record<string, unknown> = {},
): asserts user is CheckedIdentity<T> {
  const problem = unixIdentityProblem(user, security, wording);
  if (problem) {
    throw forbidden(problem, { ...details, user: user.username, uid: user.uid, gid: user.gid, minUid: security.minUid, minGid: security.minGid });
  }
}
