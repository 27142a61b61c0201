import type { ArrayTaskRef, EngineJob } from '../engine';
import type { ExportSpec, GpuRequest } from '../../domain/job';

/**
 * The environment a batch script sees (DESIGN.md §9): sbatch's `--export` semantics plus the SLURM_* set a
 * script written for Slurm reads. Split in two so that an array stores the common part once and only
 * the per-task ids per task.
 */
export interface JobEnvironmentInput {
  job: EngineJob;
  /** Short host name: the one node of the allocation. */
  host: string;
  clusterName: string;
  /** Directory holding the srun shim; put first on PATH. */
  srunDir: string;
  /** The identity the job runs with. */
  user: string;
  uid: number;
  gid: number;
  home: string | null;
  loginShell: string;
  /** Tasks of the job step (`-n`, else `--ntasks-per-node`, else 1). */
  ntasks: number;
  /** CPUs allocated to the job on this host. */
  cpusOnNode: number;
  /** Total memory of the host, for `--mem=0` (the whole node). */
  hostMemoryMB: number;
}

/** A variable name every engine can pass on (`env NAME=value`, a shell, Slurm, HTCondor): letters, digits and `_`, not starting with a digit. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The submitter's variables whose names are not identifiers (Lmod's exported `BASH_FUNC_module%%`, present
 * in most HPC login shells, arrives under --export=ALL): an engine drops them rather than fail the job.
 */
export function unpassableVariables(env: Record<string, string>, accepts: RegExp = VARIABLE_NAME): string[] {
  return Object.keys(env).filter((name) => !accepts.test(name));
}

/** The note a job's events get when variables were dropped; null when none were. */
export function droppedVariablesNote(names: string[]): string | null {
  if (names.length === 0) return null;
  const list = names.map((n) => `"${n}"`).join(', ');
  return `environment variable${names.length > 1 ? 's' : ''} ${list} not passed to the job: a name must be letters, digits and "_", not starting with a digit`;
}

/** A login shell's PATH, for `--export=NONE` and for jobs submitted without any environment. */
export const LOGIN_PATH = '/usr/local/bin:/usr/bin:/bin';

/** What a login shell of the owner has: the base under a submitter's environment, which an API submission may not carry at all. */
export function loginEnvironment(user: string, home: string | null, shell: string | null): Record<string, string> {
  return { ...(home ? { HOME: home } : {}), USER: user, LOGNAME: user, ...(shell ? { SHELL: shell } : {}), PATH: LOGIN_PATH };
}

/** Common to every task of the job. */
export function buildJobEnvironment(input: JobEnvironmentInput): Record<string, string> {
  const { job, host } = input;
  const spec = job.spec;
  const login = loginEnvironment(input.user, input.home ?? '/', input.loginShell);
  // ALL: the submitter's environment; a submission that carried none (the API) still gets a login-like base.
  const base = spec.export.mode === 'ALL' ? { ...login, ...withoutSlurmJobVariables(spec.environment) } : login;
  const env: Record<string, string> = { ...base, ...namedExports(spec.export, spec.environment) };
  // The job's owner is who the job runs as: their home, whatever the submitting process had.
  if (input.home) env.HOME = input.home;

  const ntasks = String(input.ntasks);
  const cpus = String(input.cpusOnNode);
  const slurm: Record<string, string | number | null | undefined> = {
    SLURM_JOB_NAME: spec.name,
    SLURM_JOB_PARTITION: job.partition,
    SLURM_JOB_USER: input.user,
    SLURM_JOB_UID: input.uid,
    SLURM_JOB_GID: input.gid,
    SLURM_JOB_ACCOUNT: spec.account,
    SLURM_JOB_QOS: spec.qos,
    SLURM_SUBMIT_DIR: job.submitDir,
    SLURM_SUBMIT_HOST: job.submitHost,
    SLURM_CLUSTER_NAME: input.clusterName,
    SLURM_JOB_NODELIST: host,
    SLURM_NODELIST: host,
    SLURM_JOB_NUM_NODES: 1,
    SLURM_NNODES: 1,
    SLURM_NTASKS: ntasks,
    SLURM_NPROCS: ntasks,
    SLURM_TASKS_PER_NODE: ntasks,
    SLURM_NTASKS_PER_NODE: spec.ntasksPerNode,
    SLURM_CPUS_PER_TASK: spec.cpusPerTask,
    SLURM_CPUS_ON_NODE: cpus,
    SLURM_JOB_CPUS_PER_NODE: cpus,
    SLURM_MEM_PER_NODE: spec.memPerNodeMB === 0 ? input.hostMemoryMB : spec.memPerNodeMB,
    SLURM_MEM_PER_CPU: spec.memPerCpuMB,
    SLURM_MEM_PER_GPU: spec.memPerGpuMB,
    SLURM_NODEID: 0,
    SLURM_PROCID: 0,
    SLURM_LOCALID: 0,
    SLURM_GTIDS: 0,
    SLURMD_NODENAME: host,
    SLURM_EXPORT_ENV: exportText(spec.export),
    ENVIRONMENT: 'BATCH',
    ...gpuVariables(spec.gpus),
    ...arrayVariables(job),
  };
  for (const [name, value] of Object.entries(slurm)) if (value !== null && value !== undefined) env[name] = String(value);
  env.PATH = `${input.srunDir}:${env.PATH ?? LOGIN_PATH}`;
  return env;
}

/** The ids that differ per task: SLURM_JOB_ID is the task's own id (JobIDRaw), the array ids name the task. */
export function buildTaskEnvironment(job: EngineJob, task: ArrayTaskRef | null): Record<string, string> {
  if (!task) return { SLURM_JOB_ID: String(job.id), SLURM_JOBID: String(job.id) };
  return { SLURM_JOB_ID: String(task.rawId), SLURM_JOBID: String(task.rawId), SLURM_ARRAY_TASK_ID: String(task.index) };
}

/** Variables named in --export: a given value, or (name only) the submitter's value when it had one. */
function namedExports(spec: ExportSpec, submitter: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.vars)) {
    if (value !== null) out[name] = value;
    else if (submitter[name] !== undefined) out[name] = submitter[name];
  }
  return out;
}

/** SLURM_* inherited from the submitter describe another job (a job submitted from inside a job): drop them. */
function withoutSlurmJobVariables(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('SLURM_') || name === 'SLURM_CONF'));
}

/** The --export value as the user wrote it, the way Slurm hands it to the job. */
function exportText(spec: ExportSpec): string {
  const vars = Object.entries(spec.vars).map(([name, value]) => (value === null ? name : `${name}=${value}`));
  return [spec.mode, ...vars].join(',');
}

function gpuVariables(gpus: GpuRequest | null): Record<string, string> {
  if (!gpus) return {};
  const count = gpus.type ? `${gpus.type}:${gpus.count}` : String(gpus.count);
  const name = { job: 'SLURM_GPUS', node: 'SLURM_GPUS_PER_NODE', task: 'SLURM_GPUS_PER_TASK' }[gpus.per];
  return { [name]: count };
}

function arrayVariables(job: EngineJob): Record<string, string> {
  const indices = job.spec.array?.indices ?? job.tasks.map((t) => t.index);
  if (indices.length === 0) return {};
  return {
    SLURM_ARRAY_JOB_ID: String(job.id),
    SLURM_ARRAY_TASK_COUNT: String(indices.length),
    SLURM_ARRAY_TASK_MIN: String(indices[0]),
    SLURM_ARRAY_TASK_MAX: String(indices[indices.length - 1]),
    SLURM_ARRAY_TASK_STEP: String(arrayStep(indices)),
  };
}

/** The stride of a `start-end:step` array; 1 when the indices are not evenly spaced (as Slurm reports). */
function arrayStep(indices: number[]): number {
  if (indices.length < 2) return 1;
  const step = indices[1] - indices[0];
  return indices.every((v, i) => i === 0 || v - indices[i - 1] === step) ? step : 1;
}
