import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { BASE_DN, type Slapd } from './slapd';

/**
 * Home directories for directory users who are not Unix users of this machine: created under a
 * temporary folder, owned by their uidNumber/gidNumber, and written to the directory's homeDirectory.
 * A root worker can then run their jobs there (setuid to a numeric uid needs no passwd entry).
 */
export class DirectoryHomes {
  readonly root = mkdtempSync(join(tmpdir(), 'hpcg-homes-'));

  constructor() {
    // mkdtemp makes 0700: the users must be able to reach their homes inside.
    chmodSync(this.root, 0o755);
  }

  async create(slapd: Slapd, username: string, uid: number, gid: number): Promise<string> {
    const home = join(this.root, username);
    mkdirSync(home, { mode: 0o755 });
    chownSync(home, uid, gid);
    await slapd.modify(`uid=${username},ou=people,${BASE_DN}`, new Change({ operation: 'replace', modification: new Attribute({ type: 'homeDirectory', values: [home] }) }));
    return home;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
