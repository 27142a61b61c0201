import { existsSync } from 'node:fs';
import { shippedFile } from '../../common/package-files';

/**
 * The plain-JavaScript runtime files (launcher.js and the modules it requires, run as their own
 * processes) and `srun`: tsc emits the .js files under dist/ and the build copies `srun` beside them.
 */
function runtimeFile(name: string): string {
  const path = shippedFile(`src/engines/local/runtime/${name}`);
  if (!existsSync(path)) throw new Error(`local engine runtime file "${name}" not found at ${path} (run the build)`);
  return path;
}

export const launcherPath = (): string => runtimeFile('launcher.js');
export const srunSourcePath = (): string => runtimeFile('srun');
