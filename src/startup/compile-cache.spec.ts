/**
 * The code cache is code: a folder or file another user can plant must never be used, and a damaged
 * one must cost speed only. These run as root (the gateway's user) and hand folders to `nobody`.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFile, compileCacheDir, readCache, writeCache } from './compile-cache';

const NOBODY = 65534;
let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'hpcg-cc-spec-'));
  chmodSync(base, 0o1777);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const own = () => join(base, `hpcg-compile-cache-${process.getuid!()}`);

describe('compileCacheDir', () => {
  it('creates this user\'s folder, mode 0700, under a sticky shared folder', () => {
    expect(compileCacheDir({}, base)).toBe(own());
    expect(statSync(own()).mode & 0o777).toBe(0o700);
    expect(compileCacheDir({}, base)).toBe(own()); // and uses it again
  });

  it('refuses a folder of that name that another user created first', () => {
    mkdirSync(own(), { mode: 0o700 });
    chownSync(own(), NOBODY, NOBODY);
    expect(compileCacheDir({}, base)).toBeNull();
  });

  it('refuses its own folder once others may write in it', () => {
    mkdirSync(own(), { mode: 0o700 });
    chmodSync(own(), 0o770);
    expect(compileCacheDir({}, base)).toBeNull();
  });

  it('refuses a symlink in its place, even to a folder of its own', () => {
    const elsewhere = mkdtempSync(join(base, 'elsewhere-'));
    chmodSync(elsewhere, 0o700);
    symlinkSync(elsewhere, own());
    expect(compileCacheDir({}, base)).toBeNull();
  });

  it('refuses a parent that anyone can write without the sticky bit (the folder could be swapped)', () => {
    chmodSync(base, 0o777);
    expect(compileCacheDir({}, base)).toBeNull();
    expect(existsSync(own())).toBe(false);
  });

  it('is off when NODE_DISABLE_COMPILE_CACHE is set, as for Node\'s own cache', () => {
    expect(compileCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, base)).toBeNull();
    expect(existsSync(own())).toBe(false);
  });
});

describe('cache files', () => {
  const source = Buffer.from('module.exports = 42;\n');

  it('round-trips, private to the user', () => {
    const dir = compileCacheDir({}, base)!;
    const file = cacheFile(dir, 'hpcg', source);
    writeCache(file, 'hpcg', Buffer.from('bytecode'));
    expect(readCache(file)?.toString()).toBe('bytecode');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names a changed bundle differently, and writing it removes only that bundle\'s older caches', () => {
    const dir = compileCacheDir({}, base)!;
    const old = cacheFile(dir, 'hpcg', source);
    const other = cacheFile(dir, 'hpcg-api', source);
    writeCache(old, 'hpcg', Buffer.from('old'));
    writeCache(other, 'hpcg-api', Buffer.from('api'));
    const changed = cacheFile(dir, 'hpcg', Buffer.from('module.exports = 43;\n'));
    expect(changed).not.toBe(old);
    writeCache(changed, 'hpcg', Buffer.from('new'));
    expect(readdirSync(dir).sort()).toEqual([changed, other].map((f) => f.slice(dir.length + 1)).sort());
  });

  it('ignores a truncated or altered file', () => {
    const dir = compileCacheDir({}, base)!;
    const file = cacheFile(dir, 'hpcg', source);
    writeCache(file, 'hpcg', Buffer.from('bytecode of some length'));
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect(readCache(file)).toBeUndefined();
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    expect(readCache(file)).toBeUndefined();
    writeFileSync(file, Buffer.alloc(2));
    expect(readCache(file)).toBeUndefined();
    expect(readCache(join(dir, 'missing.v8cache'))).toBeUndefined();
  });

  it('a folder that vanished costs the cache, not the process', () => {
    const dir = compileCacheDir({}, base)!;
    const file = cacheFile(dir, 'hpcg', source);
    rmSync(dir, { recursive: true });
    expect(() => writeCache(file, 'hpcg', Buffer.from('x'))).not.toThrow();
    expect(existsSync(file)).toBe(false);
  });
});
