import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the plain-JavaScript runtime files are. Running from source (jest, ts-node) they sit in
 * ./runtime; in a build, tsc emits the .js files next to the compiled code, while `srun` (no extension,
 * so not emitted) is found in the source tree of the same checkout unless the build copied it.
 */
function runtimeFile(name: string): string {
  const candidates = [join(__dirname, 'runtime', name), resolve(__dirname, '../../../../src/engines/local/runtime', name)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`local engine runtime file "${name}" not found; looked in: ${candidates.join(', ')}`);
  return found;
}

export const launcherPath = (): string => runtimeFile('launcher.js');
export const srunSourcePath = (): string => runtimeFile('srun');
