/** A person as the directory describes them: the identity the gateway gives them everywhere. */
export interface DirectoryGroup {
  name: string;
  /** null for a group without a gidNumber (groupOfNames): it counts for ACLs, not for the Unix identity. */
  gid: number | null;
}

export interface DirectoryUser {
  dn: string;
  username: string;
  uid: number;
  gid: number;
  home: string;
  shell: string | null;
  groups: DirectoryGroup[];
}

/** POSIX user names (useradd's rule); a directory entry whose name is not one cannot become a user. */
export const POSIX_USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;
