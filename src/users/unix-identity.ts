import type { SecurityConfig } from '../config/security-config.schema';

/** Why this user cannot own jobs (no Unix identity, or one below the site's minimum), or null. */
export function unixIdentityProblem(user: { username: string; uid: number | null; gid: number | null }, security: Pick<SecurityConfig, 'minUid' | 'minGid'>): string | null {
  if (user.uid === null || user.gid === null) return `user ${user.username} has no Unix identity (uid/gid)`;
  if (user.uid < security.minUid) return `user ${user.username} has uid ${user.uid}, below security.minUid ${security.minUid}`;
  if (user.gid < security.minGid) return `user ${user.username} has gid ${user.gid}, below security.minGid ${security.minGid}`;
  return null;
}
