import type { SecurityConfig } from '../config/security-config.schema';
import { unixIdentityProblem } from '../users/unix-identity';
import type { DirectoryConfig } from './directory-config.schema';

/**
 * The identity policy (src/users/unix-identity.ts) worded for a directory entry: "directory entry alice
 * has uidNumber 0, below security.minUid 1000: …". Such an entry is never provisioned with that identity:
 * login and act-as refuse it, the sync disables a user whose entry fell below the minimum.
 */
export function directoryIdentityProblem(
  user: { username: string; uid: number | null; gid: number | null },
  security: SecurityConfig,
  attributes: DirectoryConfig['attributes'],
): string | null {
  return unixIdentityProblem(user, security, { subject: `directory entry ${user.username}`, uidField: attributes.uidNumber, gidField: attributes.gidNumber });
}
