/**
 * The built `hpcg` executable, as users run it: it stores its code cache in this user's private folder
 * under TMPDIR, uses it on the next run without rewriting it, and runs the same with a damaged cache or
 * with a folder some other user planted (which it leaves alone).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ROOT } from '../../test/support/gateway-process';

jest.setTimeout(60_000);

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let base: string;
let cacheDir: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'hpcg-run-bundle-'));
  cacheDir = join(base, `hpcg-compile-cache-${process.getuid!()}`);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function hpcg(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin('hpcg'), ...args], { env: { PATH: process.env.PATH, TMPDIR: base }, timeout: 30_000 }, (e, out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, out, err }),
    );
  });
}

const cacheFiles = () => readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));

it('writes the cache on the first run and uses it, unchanged, on the next', async () => {
  expect(await hpcg('--version')).toEqual({ code: 0, out: `hpcg ${version}\n`, err: '' });
  expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
  const [file] = cacheFiles();
  expect(file).toMatch(/^hpcg-[0-9a-f]+-[0-9a-f]+-v[\d.]+-\w+\.v8cache$/);
  expect(statSync(join(cacheDir, file)).mode & 0o777).toBe(0o600);
  const written = statSync(join(cacheDir, file)).mtimeMs;

  expect((await hpcg('--version')).out).toBe(`hpcg ${version}\n`);
  // Only a missing or rejected cache is written again: V8 accepted this one.
  expect(statSync(join(cacheDir, file)).mtimeMs).toBe(written);
  expect(cacheFiles()).toEqual([file]);
});

it('a damaged cache is replaced, and the command runs as before', async () => {
  await hpcg('--version');
  const file = join(cacheDir, cacheFiles()[0]);
  const bytes = readFileSync(file);
  bytes.fill(0x41, 4, 4096);
  writeFileSync(file, bytes);
  expect((await hpcg('--version')).out).toBe(`hpcg ${version}\n`);
  expect(readFileSync(file).equals(bytes)).toBe(false);
});

it('the Slurm commands keep caches of their own beside the one of other runs', async () => {
  await hpcg('--version');
  expect(await hpcg('squeue', '--bogus')).toMatchObject({ code: 1, err: expect.stringContaining("squeue: unrecognized option '--bogus'") });
  expect(cacheFiles().map((f) => f.replace(/-[0-9a-f]+-[0-9a-f]+-v.*$/, '')).sort()).toEqual(['hpcg', 'hpcg.squeue']);
});

it('a cache folder another user created is never read nor written', async () => {
  mkdirSync(cacheDir, { mode: 0o700 });
  chownSync(cacheDir, 65534, 65534);
  writeFileSync(join(cacheDir, 'planted'), 'x');
  chmodSync(cacheDir, 0o777);
  expect((await hpcg('--version')).out).toBe(`hpcg ${version}\n`);
  expect(readdirSync(cacheDir)).toEqual(['planted']);
});
