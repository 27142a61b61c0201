import type { DirectoryIdentity } from '../users/users.repository';
import type { DirectoryUser } from './directory-user';

/** What the users table keeps of a directory user: group names for ACLs, group ids for the job's Unix groups. */
export function identityOf(user: DirectoryUser, adminGroup: string | undefined): DirectoryIdentity {
  const groupIds = [...new Set([user.gid, ...user.groups.flatMap((g) => (g.gid === null ? [] : [g.gid]))])].sort((a, b) => a - b);
  const groups = user.groups.map((g) => g.name);
  return {
    username: user.username,
    uid: user.uid,
    gid: user.gid,
    home: user.home,
    shell: user.shell,
    groups,
    groupIds,
    admin: adminGroup !== undefined && groups.includes(adminGroup),
  };
}
