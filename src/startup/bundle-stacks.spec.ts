/**
 * A bundle compiled through `vm` (as run-bundle.ts does) throws: the stack names the TypeScript file
 * and line, read from the map beside the bundle, and frames outside the bundle stay as they were.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { buildSync } from 'esbuild';
import { mapBundleStacks } from './bundle-stacks';

let dir: string;
let saved: typeof Error.prepareStackTrace;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcg-stacks-'));
  saved = Error.prepareStackTrace;
});
afterEach(() => {
  Error.prepareStackTrace = saved;
  rmSync(dir, { recursive: true, force: true });
});

function loadBundle(file: string): { boom(): void } {
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file });
  const module = { exports: {} as { boom(): void } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

function build(withMap: boolean): string {
  writeFileSync(join(dir, 'helper.ts'), 'export const pad = (n: number): string => String(n);\n');
  writeFileSync(join(dir, 'thrower.ts'), "import { pad } from './helper';\n\nexport function boom(): void {\n  throw new Error(`boom ${pad(1)}`);\n}\n");
  const outfile = join(dir, 'out', 'bundle.js');
  buildSync({ entryPoints: [join(dir, 'thrower.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, sourcemap: withMap, sourcesContent: false, logLevel: 'silent' });
  return outfile;
}

/** The stack of the bundle's `boom()`, with stacks of that bundle mapped. */
function stackOfBoom(file: string): string {
  mapBundleStacks(file);
  try {
    loadBundle(file).boom();
  } catch (err) {
    return (err as Error).stack ?? '';
  }
  throw new Error('boom() did not throw');
}

it('rewrites the bundle\'s frames to the TypeScript source, line and column', () => {
  const file = build(true);
  const stack = stackOfBoom(file);
  expect(stack.split('\n')[0]).toBe('Error: boom 1');
  expect(stack).toMatch(/at (Object\.)?boom \(.*thrower\.ts:4:9\)/);
  expect(stack).not.toContain('bundle.js');
  expect(stack).toContain(__filename); // this spec's own frame, untouched
});

it('without a map beside the bundle, frames keep the bundle\'s positions', () => {
  const file = build(false);
  const stack = stackOfBoom(file);
  expect(stack).toMatch(/at (Object\.)?boom \(.*out\/bundle\.js:\d+:\d+\)/);
  expect(stack).not.toContain('thrower.ts');
});
