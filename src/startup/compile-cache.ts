/**
 * A per-user store of V8 code caches for the bundles, so a process skips parsing and compiling most of
 * its code. Node 22's module.enableCompileCache does this, but the gateway supports Node 20 and the
 * maintained npm packages for it are gone (v8-compile-cache is unmaintained, keeps its cache in a
 * shared /tmp folder without checking who owns it, and replaces the loader so source maps stop working).
 *
 * The gateway runs as root and the CLI as every user: cached bytecode is code, so a cache another user
 * can write is a way to run code as this user. The folder is this user's own, mode 0700, and is checked
 * before each use; anything unexpected (someone else's folder, a symlink, a corrupt or truncated file)
 * means running without a cache, never failing.
 */
import { crc32 } from 'node:zlib';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Node's own switch for its compile cache, honoured here with the same meaning. */
const DISABLE_VARIABLE = 'NODE_DISABLE_COMPILE_CACHE';
const HEADER_BYTES = 4;

/** A folder only this user can write, under a parent nobody else can swap it out of; null when there is none. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env, base: string = tmpdir()): string | null {
  if (env[DISABLE_VARIABLE]) return null;
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const dir = join(base, `hpcg-compile-cache-${uid}`);
  try {
    const parent = lstatSync(dirname(dir));
    // A parent others can write without the sticky bit lets them rename our folder and put theirs in its place.
    if ((parent.mode & 0o002) !== 0 && (parent.mode & 0o1000) === 0) return null;
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

/** Where the cache of one bundle's exact source lives, for this Node (V8 also rejects a cache from another). */
export function cacheFile(dir: string, name: string, source: Buffer): string {
  const identity = `${source.length.toString(16)}-${crc32(source).toString(16)}`;
  return join(dir, `${name}-${identity}-${process.version}-${process.arch}.v8cache`);
}

/** The cached data, if the file is there and intact (a checksum guards against truncation and corruption). */
export function readCache(file: string): Buffer | undefined {
  try {
    const bytes = readFileSync(file);
    if (bytes.length <= HEADER_BYTES) return undefined;
    const data = bytes.subarray(HEADER_BYTES);
    return bytes.readUInt32LE(0) === crc32(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores the cache for `file` and removes the caches of older builds of the same bundle. Written to a
 * private temporary name and renamed, so a concurrent reader sees the old file or the whole new one.
 */
export function writeCache(file: string, name: string, data: Buffer): void {
  const dir = dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(crc32(data), 0);
    writeFileSync(temporary, Buffer.concat([header, data]), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
    const sameBundle = new RegExp(`^${name.replace(/[^\w]/g, '\\$&')}-[0-9a-f]+-[0-9a-f]+-v[\\d.]+-\\w+\\.v8cache$`);
    for (const entry of readdirSync(dir)) {
      if (sameBundle.test(entry) && join(dir, entry) !== file) rmSync(join(dir, entry), { force: true });
    }
  } catch {
    // A cache is an optimisation: a full disk or a vanished folder costs speed, nothing else.
    rmSync(temporary, { force: true });
  }
}
