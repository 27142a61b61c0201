import { readFileSync } from 'node:fs';
import { badInput } from '../common/domain-error';
import { shippedFile } from '../common/package-files';
import type { JobSpecInput } from '../domain/job';
import type { ResolvedOptions } from './notebook-options';
import type { ResolvedProfile } from './notebook-profiles';

/** The launcher's source: copied under dist/ by the build (scripts/lib.js ASSETS). */
export const LAUNCHER_PATH = shippedFile('src/notebooks/launcher/notebook-launcher.py');
const HEREDOC_END = 'HPCG_LAUNCHER';

let launcherSource: string | null = null;
function launcher(): string {
  launcherSource ??= readFileSync(LAUNCHER_PATH, 'utf8');
  if (launcherSource.split('\n').includes(HEREDOC_END)) throw new Error(`${LAUNCHER_PATH} contains the line ${HEREDOC_END}, which would end its heredoc`);
  return launcherSource;
}

/** The job script: the launcher, embedded verbatim so that nodes need nothing installed but Python 3. */
export function notebookScript(notebookId: number): string {
  return [
    '#!/bin/sh',
    `# hpc-gateway notebook ${notebookId}: the launcher starts the server and registers it with the gateway.`,
    `exec "\${HPCG_NOTEBOOK_PYTHON:-python3}" - <<'${HEREDOC_END}'`,
    launcher().replace(/\n$/, ''),
    HEREDOC_END,
    '',
  ].join('\n');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = /^HPCG_NOTEBOOK_/;
const MAX_VARIABLES = 1000;

/** The environment JupyterHub wants in the server, as a string map; names the gateway sets itself are refused. */
export function hubEnvironment(input: unknown): Record<string, string> {
  if (input === null || input === undefined) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw badInput('environment must be an object of NAME: "value" strings', { field: 'environment' });
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_VARIABLES) throw badInput(`environment has more than ${MAX_VARIABLES} variables`, { field: 'environment' });
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name)) throw badInput(`environment variable name "${name}" is invalid: letters, digits and "_", not starting with a digit`, { field: `environment.${name}` });
    if (RESERVED.test(name)) throw badInput(`environment variable ${name} is set by the gateway itself (HPCG_NOTEBOOK_*)`, { field: `environment.${name}` });
    if (typeof value !== 'string' || value.includes('\0')) throw badInput(`environment.${name} must be a string without NUL`, { field: `environment.${name}` });
  }
  return input as Record<string, string>;
}

export interface NotebookJobInput {
  notebookId: number;
  serverName: string;
  profile: ResolvedProfile;
  options: ResolvedOptions;
  hubEnvironment: Record<string, string>;
  token: string;
  registerUrl: string;
  python: string;
  ports: string | null;
}

/**
 * The structured JobSpec (submitJob's input) of a notebook: the same path as any job, so identity,
 * limits, partition ACLs and history apply. The environment travels as the submitter's environment
 * with --export=ALL, which every engine delivers to the job.
 */
export function notebookJobSpec(n: NotebookJobInput): JobSpecInput {
  const environment: Record<string, string> = {
    ...n.hubEnvironment,
    HPCG_NOTEBOOK_ID: String(n.notebookId),
    HPCG_NOTEBOOK_TOKEN: n.token,
    HPCG_NOTEBOOK_REGISTER_URL: n.registerUrl,
    HPCG_NOTEBOOK_COMMAND: n.profile.command,
    HPCG_NOTEBOOK_PYTHON: n.python,
    ...(n.ports ? { HPCG_NOTEBOOK_PORTS: n.ports } : {}),
  };
  return {
    name: `notebook-${n.serverName || n.profile.name}`,
    partitions: [n.profile.partition],
    timeLimitMinutes: n.options.timeMinutes,
    ntasks: 1,
    cpusPerTask: n.options.cpus,
    memPerNodeMB: n.options.memoryMB,
    gpus: n.options.gpus > 0 ? { count: n.options.gpus, type: null, per: 'job' } : null,
    export: { mode: 'ALL', vars: {} },
    environment,
    comment: `notebook ${n.notebookId}`,
    // The server's log, in the working directory (the owner's home), named so its owner can tell it
    // from their batch jobs' slurm-%j.out (batchspawner writes jupyterhub_slurmspawner_%j.log).
    output: 'hpcg-notebook-%j.log',
    ...(n.options.image ? { image: n.options.image } : {}),
    script: notebookScript(n.notebookId),
  };
}
