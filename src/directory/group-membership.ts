import type { DirectoryGroup } from './directory-user';

/** A group entry as read from the directory, reduced to what membership needs. */
export interface GroupEntry {
  name: string;
  gid: number | null;
  memberUids: string[];
  /** Normalised member DNs (see normaliseDn). */
  memberDns: string[];
}

/** DNs compare case-insensitively and without the optional spaces around `,` and `=`. */
export function normaliseDn(dn: string): string {
  return dn.trim().toLowerCase().replace(/\s*([,=+])\s*/g, '$1');
}

/**
 * The groups a user belongs to, the way NSS sees them: listed by name (posixGroup memberUid), listed
 * by DN (groupOfNames / AD member), or the user's primary group (gidNumber) even when it lists nobody.
 */
export function groupsOf(user: { username: string; dn: string; gid: number }, groups: GroupEntry[]): DirectoryGroup[] {
  const dn = normaliseDn(user.dn);
  const found = new Map<string, DirectoryGroup>();
  for (const g of groups) {
    if (g.gid === user.gid || g.memberUids.includes(user.username) || g.memberDns.includes(dn)) found.set(g.name, { name: g.name, gid: g.gid });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
