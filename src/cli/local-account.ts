import { execFileSync } from 'node:child_process';

/** A user's entry in this host's passwd database (files, LDAP through NSS, …). */
export interface LocalAccount {
  username: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * `getent passwd NAME` on the host the CLI runs on: what `hpcg user add NAME` gives the gateway user
 * when no --uid is given, so the account an administrator names is the one its jobs run as. null when
 * the host has no such user.
 */
export function localAccount(username: string): LocalAccount | null {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', '--', username], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return null; // getent exits 2 for an unknown key
  }
  const [name, , uid, gid, , home] = line.split(':');
  if (name !== username || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) return null;
  return { username: name, uid: Number(uid), gid: Number(gid), home: home || '/' };
}
