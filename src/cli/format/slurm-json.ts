/**
 * The envelope Slurm 22.05's `--json` output shares (squeue and sinfo through openapi/v0.0.38, sacct
 * through openapi/dbv0.0.38): `meta` naming the plugin and the Slurm release whose layout this is,
 * an empty `errors` list, then the records under their key.
 */
import { jsonCText, type JsonCValue } from './json-c';

/** The release whose --json layout (data_parser v0.0.38) the gateway reproduces. */
const SLURM_RELEASE = { major: 22, micro: 8, minor: 5, release: '22.05.8' };

export type SlurmJsonPlugin = 'v0.0.38' | 'dbv0.0.38';

export function slurmJsonDocument(plugin: SlurmJsonPlugin, key: string, records: JsonCValue[]): string {
  const db = plugin.startsWith('db');
  return jsonCText({
    meta: {
      plugin: { type: `openapi/${plugin}`, name: `Slurm OpenAPI ${db ? 'DB v0.0.38' : 'v0.0.38'}` },
      Slurm: {
        version: { major: SLURM_RELEASE.major, micro: SLURM_RELEASE.micro, minor: SLURM_RELEASE.minor },
        release: SLURM_RELEASE.release,
      },
    },
    errors: [],
    [key]: records,
  });
}

/** Seconds since the epoch, Slurm's time_t; 0 where Slurm leaves a time unset. */
export const epoch = (d: Date | string | null | undefined): number => (d ? Math.floor(new Date(d).getTime() / 1000) : 0);
