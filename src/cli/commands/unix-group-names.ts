/**
 * gid → group name on the host the command runs on, as Slurm's gid_to_string does on the client
 * (getgrgid through NSS, so LDAP groups resolve too): `getent group GID`, "nobody" when none is found.
 * Looked up only when a column shows a group name, once per gid.
 */
import { execFileSync } from 'node:child_process';

export function groupNameLookup(): (gid: number) => string {
  const names = new Map<number, string>();
  return (gid) => {
    let name = names.get(gid);
    if (name === undefined) {
      name = lookup(gid) ?? 'nobody';
      names.set(gid, name);
    }
    return name;
  };
}

function lookup(gid: number): string | null {
  try {
    const line = execFileSync('getent', ['group', String(gid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return line.split(':')[0] || null;
  } catch {
    return null;
  }
}
