import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { srunSourcePath } from './runtime-files';
import { readTextIfExists, writeFileAtomic } from './runtime/state-files';
import F = require('./runtime/task-files');

export function srunDir(stateDir: string): string {
  return join(stateDir, F.BIN_DIR);
}

/**
 * Installs the srun shim as `<stateDir>/bin/srun`, readable and runnable by every job owner, with its
 * `#!` line naming this very node (a job's PATH may have none). Rewritten only when its content changed.
 */
export function installSrunShim(stateDir: string): string {
  const dir = srunDir(stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const source = readFileSync(srunSourcePath(), 'utf8');
  const shim = source.replace(/^#!.*\n/, `#!${process.execPath}\n`);
  const target = join(dir, 'srun');
  if (readTextIfExists(target) !== shim) writeFileAtomic(target, shim, 0o755);
  return dir;
}
