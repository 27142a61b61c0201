/**
 * JobSpec: the canonical, engine-neutral job (DESIGN.md §2). Parsed once from sbatch syntax; everything
 * downstream (authorization, routing, every engine's translation) reads this and never the raw text.
 * Its JSON form is a public contract (`hpcg sbatch --test-only --json`): add fields, never rename.
 */

export type GpuPer = 'job' | 'node' | 'task';
export type DependencyType = 'after' | 'afterany' | 'afterok' | 'afternotok' | 'aftercorr' | 'afterburstbuffer' | 'singleton';
export type ExportMode = 'ALL' | 'NONE' | 'NIL';
export type OpenMode = 'truncate' | 'append';

export interface NodeRange {
  min: number;
  max: number;
}

export interface GpuRequest {
  count: number;
  type: string | null;
  per: GpuPer;
}

export interface ArraySpec {
  /** Expanded task ids, ascending, unique. */
  indices: number[];
  /** `%N` throttle; null = no limit. */
  maxConcurrent: number | null;
}

export interface DependencyItem {
  type: DependencyType;
  /** Gateway job ids (empty for `singleton`). A `123_4` item names one array task: see `arrayTaskIds`. */
  jobIds: number[];
  /** Per job id, the array task named (`123_4`), or null for the whole job. Same length as jobIds. */
  arrayTaskIds?: (number | null)[];
  /** `after:123+5` waits 5 minutes after the start; null otherwise. */
  delayMinutes: number | null;
}

export interface DependencySpec {
  /** `,` = all must be satisfied, `?` = any. */
  mode: 'all' | 'any';
  items: DependencyItem[];
}

export interface ExportSpec {
  mode: ExportMode;
  /** Variables named in --export: a value (`NAME=value`) or null (`NAME`: take it from the submitter). */
  vars: Record<string, string | null>;
}

export interface SignalSpec {
  /** Signal name without SIG (`USR1`) or number as text. */
  signal: string;
  /** Seconds before the time limit. */
  seconds: number;
  /** `B:` prefix: signal only the batch shell. */
  batchOnly: boolean;
}

export interface LicenseRequest {
  /** License name, with `@server` for remote licenses. */
  name: string;
  count: number;
}

export interface GetUserEnvSpec {
  /** Seconds to wait for the login environment; null = Slurm's default (8). */
  timeoutSeconds: number | null;
  /** `S`: su without `-`; `L`: login shell (su -); null = site default. */
  mode: 'S' | 'L' | null;
}

export interface JobSpec {
  name: string;
  partitions: string[];
  /** null = not given; -1 = unlimited. */
  timeLimitMinutes: number | null;
  timeMinMinutes: number | null;
  nodes: NodeRange | null;
  ntasks: number | null;
  ntasksPerNode: number | null;
  cpusPerTask: number | null;
  memPerNodeMB: number | null;
  memPerCpuMB: number | null;
  memPerGpuMB: number | null;
  gpus: GpuRequest | null;
  array: ArraySpec | null;
  dependency: DependencySpec | null;
  /** Filename patterns kept raw (`%j %A %a %x %u %%` …); expanded per engine. */
  output: string | null;
  error: string | null;
  input: string | null;
  workdir: string | null;
  openMode: OpenMode | null;
  export: ExportSpec;
  /** The submitter's environment captured at submission, used when export mode is ALL. */
  environment: Record<string, string>;
  account: string | null;
  qos: string | null;
  constraint: string | null;
  comment: string | null;
  exclusive: boolean;
  requeue: boolean | null;
  hold: boolean;
  /** ISO-8601 instant, resolved at parse time from Slurm's begin grammar. */
  begin: string | null;
  deadline: string | null;
  signal: SignalSpec | null;
  mailType: string[];
  mailUser: string | null;
  nice: number | null;
  /** Arguments after the script name, passed to the script as $1 … */
  scriptArgs: string[];
  /** Script body, verbatim. */
  script: string;

  // Optional: present only when the corresponding sbatch option was given.
  /** `--exclusive=user|mcs`: share nodes only with the same user / MCS label (`exclusive` is then true). */
  exclusiveScope?: 'user' | 'mcs';
  /** `-s/--oversubscribe`: may share resources with other jobs (never together with `exclusive`). */
  oversubscribe?: boolean;
  /** `-w/--nodelist`: hostlist expression the allocation must include. */
  nodeList?: string;
  /** `-x/--exclude`: hostlist expression the allocation must avoid. */
  excludeNodes?: string;
  /** `--priority`: a number or TOP; Slurm grants it to operators only. */
  priority?: number | 'TOP';
  /** `--reservation`: names, the first usable one is taken. */
  reservations?: string[];
  /** `-L/--licenses`. */
  licenses?: LicenseRequest[];
  /** `-k/--no-kill` (false = `--no-kill=off`): keep the job running when one of its nodes fails. */
  noKill?: boolean;
  /** `--propagate`: resource limit names to carry to the job, or ['ALL'] / ['NONE']. */
  propagate?: string[];
  /** `--get-user-env`: load the user's login environment on the execution host. */
  getUserEnv?: GetUserEnvSpec;
  /** Container image for engines that run one (Kubernetes), instead of the partition's; no sbatch option sets it. */
  image?: string;
}

/** Every field of a JobSpec with the value sbatch would give it when the option is absent (a fresh object each call). */
export function jobSpecDefaults(): Omit<JobSpec, 'script'> {
  return {
    name: 'sbatch',
    partitions: [],
    timeLimitMinutes: null,
    timeMinMinutes: null,
    nodes: null,
    ntasks: null,
    ntasksPerNode: null,
    cpusPerTask: null,
    memPerNodeMB: null,
    memPerCpuMB: null,
    memPerGpuMB: null,
    gpus: null,
    array: null,
    dependency: null,
    output: null,
    error: null,
    input: null,
    workdir: null,
    openMode: null,
    export: { mode: 'ALL', vars: {} },
    environment: {},
    account: null,
    qos: null,
    constraint: null,
    comment: null,
    exclusive: false,
    requeue: null,
    hold: false,
    begin: null,
    deadline: null,
    signal: null,
    mailType: [],
    mailUser: null,
    nice: null,
    scriptArgs: [],
  };
}
