import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * A root worker runs jobs as their owners, whose shells must reach their scripts and the srun shim in the
 * state directory: every folder above it must be searchable by them (x for others, the only bit that
 * covers every owner). Otherwise every job would fail with exit 126 and no explanation.
 */
export function assertReachableByJobOwners(stateDir: string): void {
  const closed = closedAncestor(stateDir);
  if (!closed) return;
  const mode = (statSync(closed).mode & 0o7777).toString(8).padStart(4, '0');
  throw new Error(
    `${closed} (mode ${mode}) is not searchable by other users, so jobs running as their owners cannot reach their scripts in it; ` +
      `it needs the x bit for others (chmod o+x ${closed}), or point the engine's stateDir (or HPCG_STATE_DIR) at a directory outside it`,
  );
}

/** The first folder above `dir` that users other than its owner cannot pass through, if any. */
function closedAncestor(dir: string): string | null {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (d === dirname(d)) return null;
  }
}
