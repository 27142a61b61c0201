/**
 * Files shipped with the gateway, found from wherever its code runs: the TypeScript sources (jest),
 * tsc's output (dist/src/...) or one of the bundles (dist/bundle/*.js, where every module shares the
 * bundle's __dirname). Code that needs a file beside it asks here instead of counting `..` from itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'hpc-gateway';

interface PackageJson {
  name?: string;
  version?: string;
}

let root: { dir: string; pkg: PackageJson } | null = null;

function findRoot(): { dir: string; pkg: PackageJson } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as PackageJson;
      if (pkg.name === PACKAGE_NAME) return { dir, pkg };
    }
    if (dirname(dir) === dir) throw new Error(`the ${PACKAGE_NAME} package.json was not found above ${__dirname}`);
  }
}

/** The folder holding the gateway's package.json (the checkout, or the installed package). */
export function packageRoot(): string {
  root ??= findRoot();
  return root.dir;
}

/** The gateway's version, from its package.json. */
export function packageVersion(): string {
  root ??= findRoot();
  return root.pkg.version ?? 'unknown';
}

/** Whether this code runs compiled (dist/), rather than as TypeScript from src/. */
const runsCompiled = !__filename.endsWith('.ts');

/**
 * A file that sits in the source tree at `sourcePath` (e.g. `src/engines/local/runtime/srun`) and that
 * the build copies, at the same path, under dist/. Compiled code uses the build's copy, so an
 * installation needs no source tree; tests running the TypeScript use the source's.
 */
export function shippedFile(sourcePath: string): string {
  return join(packageRoot(), runsCompiled ? 'dist' : '', sourcePath);
}
