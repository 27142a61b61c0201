/**
 * Reading the CLI's configuration files safely. Two kinds, with ssh's strictness:
 * - settings files (`cli.yaml`): anyone may read them, but whoever can write one can send your token
 *   to a server of their choosing, so they must be owned by root or by you and writable by no one else;
 * - the token file: a secret, owned by you and closed to everyone else (ssh refuses a private key the
 *   same way).
 * Files are checked through the descriptor they are read from, so a swap between check and read
 * cannot slip another file in. Error messages never quote a file's contents: a file that is not what
 * it should be may hold someone's secret.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

export class CliConfigError extends Error {}

/** The calling process's user id: files are checked against it. */
export function currentUid(): number {
  return process.getuid?.() ?? 0;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** The text of a file if it exists (null if it does not), after `check` approved its owner and mode. */
function readChecked(path: string, check: (stat: { uid: number; mode: number }) => string | null): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EACCES') throw new CliConfigError(`cannot read ${path}: permission denied`);
    throw new CliConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new CliConfigError(`${path} is not a regular file`);
    const problem = check(stat);
    if (problem) throw new CliConfigError(problem);
    return readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof CliConfigError) throw err;
    throw new CliConfigError(`cannot read ${path}: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** A settings file: owned by root or by `uid`, writable by nobody else. */
export function readSettingsFile(path: string, uid: number): string | null {
  return readChecked(path, ({ uid: owner, mode }) => {
    if (owner !== 0 && owner !== uid) {
      return `${path} belongs to uid ${owner}, not to root or to you (uid ${uid}): whoever owns it decides where your token is sent; allowed: owned by root or by you`;
    }
    if (mode & 0o022) {
      return `${path} is writable by others (mode ${octal(mode)}): whoever can write it decides where your token is sent; allowed: not writable by group or others (chmod go-w ${path})`;
    }
    return null;
  });
}

/** A token file: owned by `uid`, no permission at all for group or others. */
export function readTokenFile(path: string, uid: number): string | null {
  const text = readChecked(path, ({ uid: owner, mode }) => {
    if (owner !== uid) return `the token file ${path} belongs to uid ${owner}, not to you (uid ${uid}): a token is only ever used by its owner`;
    if (mode & 0o077) {
      return `the token file ${path} is accessible by others (mode ${octal(mode)}): a token must be readable only by its owner; run "chmod 600 ${path}" (and consider revoking the token)`;
    }
    return null;
  });
  const token = text?.trim() ?? '';
  if (token === '') return null;
  // A token is one printable word; anything else is not a token file (and is not echoed back).
  if (!/^[\x21-\x7e]+$/.test(token)) throw new CliConfigError(`the token file ${path} does not hold a token (one word of printable characters); run "hpcg login" to write it`);
  return token;
}
