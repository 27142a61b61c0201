import type { JobSpec, JobState } from '../domain/job';

/**
 * The one interface every engine implements (DESIGN.md §2 "Engines"). The gateway owns hold, begin
 * time and dependencies (it hands a job to an engine only once it is eligible), except dependencies
 * between jobs of one engine that enforces them itself (`nativeDependencies`); the engine owns
 * running it, arrays and throttles included, and reporting back in the gateway's states.
 */

/** The Unix identity a job runs as (from the directory, or the worker's own user when none is known). */
export interface JobOwner {
  username: string;
  uid: number | null;
  gid: number | null;
  groups: number[];
  home: string | null;
}

/**
 * What reconciliation needs to recognise a job's own submission. `name` and `submittedAt` (when the
 * gateway accepted the job: no engine submission of it is older) let an engine ask about that job only.
 */
export type TaggedJob = Pick<EngineJob, 'id' | 'nonce' | 'owner'> & { name?: string; submittedAt?: Date };

export interface ArrayTaskRef {
  /** The index a script sees as SLURM_ARRAY_TASK_ID. */
  index: number;
  /** The task's own job id (Slurm's JobIDRaw; the script's SLURM_JOB_ID). */
  rawId: number;
}

/** What an engine receives to submit: everything resolved, nothing left to look up. */
export interface EngineJob {
  /** Gateway job id: the tag every submission carries, for reconciliation (DESIGN.md §6.3). */
  id: number;
  /**
   * Random value stored with the job (jobs.submit_nonce), carried in the tag next to the id: ids are
   * guessable, so a tag without it could be forged by any user of the engine (see reconcile-tag.ts).
   */
  nonce: string;
  spec: JobSpec;
  owner: JobOwner;
  /** The gateway partition the job runs in and the engine's own name for it. */
  partition: string;
  enginePartition: string;
  /** The limit the job runs under: its --time, else the partition's default. null or -1 = unlimited. */
  timeLimitMinutes: number | null;
  /** Absolute working directory (spec.workdir resolved against the submitter's directory). */
  workdir: string;
  /** The directory sbatch was run from: SLURM_SUBMIT_DIR. */
  submitDir: string;
  submitHost: string;
  /** Array tasks in ascending index order; empty for a plain job. */
  tasks: ArrayTaskRef[];
  /** Dependencies on jobs of the same engine that the engine enforces itself (only when `nativeDependencies`). */
  dependency: NativeDependency | null;
}

/** One job (ref) or one array task (ref + index) of the same engine that a dependency names. */
export interface NativeDependencyTarget {
  ref: string;
  arrayIndex: number | null;
}

export interface NativeDependencyItem {
  type: 'after' | 'afterany' | 'afterok' | 'afternotok';
  targets: NativeDependencyTarget[];
  delayMinutes: number | null;
}

/** `all`: every item must hold (Slurm's `,`); `any`: one is enough (Slurm's `?`). */
export interface NativeDependency {
  mode: 'all' | 'any';
  items: NativeDependencyItem[];
}

/** One observed state of a job (arrayIndex null) or of one array task. */
export interface TaskUpdate {
  jobId: number;
  arrayIndex: number | null;
  state: JobState;
  reason: string | null;
  exitCode: number | null;
  /** Signal that ended the job, if any (Slurm prints ExitCode as `code:signal`). */
  signal: number | null;
  startTime: Date | null;
  endTime: Date | null;
  node: string | null;
  /** The job's or task's own id on the engine once it started (Slurm's JobIDRaw), when it differs per task. */
  engineId?: string | null;
  /** The engine's own estimate of when a pending job starts (Slurm's backfill); absent where the engine gives none. */
  expectedStart?: Date | null;
}

export interface LiveJobRef {
  jobId: number;
  ref: string;
  /** Indices of the array tasks not yet finished in the gateway; empty for a plain job. */
  openTasks: number[];
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputRequest {
  stream: OutputStream;
  arrayIndex: number | null;
  /** Last N lines; when null, `offset`/`limit` in bytes apply. */
  tailLines: number | null;
  offset: number;
  limit: number;
  /** The job as its engine received it: engines that keep no record of their own find the output from it. */
  job?: EngineJob;
  /**
   * Where the sync last saw the job or task run, as stored (DESIGN.md §6 rule 5): the node list and the
   * task's own engine id name output files (`%N`, `%j`) without asking the engine.
   */
  seen?: { node: string | null; engineId: string | null };
}

export interface OutputChunk {
  path: string | null;
  data: string;
  /** Byte offset just after `data`, to continue reading from. */
  nextOffset: number;
  /** Total size of the stream at read time. */
  size: number;
}

export interface PartitionCapacity {
  /** Engine-side partition name. */
  name: string;
  state: 'up' | 'down' | 'drain';
  nodes: number;
  cpus: number;
  memoryMB: number | null;
  gpus: number;
  /** Minutes; -1 = unlimited. */
  maxTimeMinutes: number;
  nodeNames: string[];
}

export interface EngineHealth {
  ok: boolean;
  detail: string;
}

export interface Engine {
  /** Engine name from the site configuration (e.g. `laptop`). */
  readonly name: string;
  /** Engine kind (`local`, `slurm`, `kubernetes`, `htcondor`). */
  readonly kind: string;
  /**
   * The engine enforces dependencies between its own jobs (Slurm's --dependency): the gateway hands a
   * dependent over as soon as every job it names has an engine ref, instead of holding it until they end.
   */
  readonly nativeDependencies?: boolean;

  /** Hand the job to the engine; returns an opaque reference. Must carry `job.id` and `job.nonce` as its tag. */
  submit(job: EngineJob): Promise<string>;
  /**
   * Reconciliation before any (re)submit: the ref of a submission tagged with this job's id AND nonce
   * whose engine-side owner is the job's owner, if any. A submission claiming the id with another nonce or
   * owner is never adopted (logged as a possible forgery).
   */
  findByTag(job: TaggedJob): Promise<string | null>;
  /**
   * What the engine changed of the job to run it that its user should know (a submitter's variable it cannot
   * pass on, dropped): the dispatcher records each as a note in the job's events once the engine has the job.
   */
  notes?(job: EngineJob): string[];
  /** Cancel the whole job (arrayIndex null) or one array task. Cancelling a finished job is not an error. */
  cancel(ref: string, jobId: number, arrayIndex: number | null): Promise<void>;
  /** ONE batched status call for all given live jobs; returns what changed or is current. */
  syncAll(refs: LiveJobRef[]): Promise<TaskUpdate[]>;
  output(ref: string, jobId: number, request: OutputRequest): Promise<OutputChunk>;
  describe(): Promise<PartitionCapacity[]>;
  /** What the engine would run for this job (`hpcg sbatch --test-only`); throws the DomainError the API shows when it cannot (submit() turns it into an EngineRefusedError). */
  translate(job: EngineJob): unknown;
  /**
   * Addresses the running job is reached at and sends from, when the node list alone does not tell (a
   * Kubernetes pod's IP): a notebook registers only from these or its nodes' addresses.
   */
  nodeAddresses?(ref: string, jobId: number): Promise<string[]>;
  health(): Promise<EngineHealth>;
  /** Start background work (e.g. the local executor loop); called once in the worker. */
  start?(): Promise<void>;
  /** Finish in-flight work and release resources. */
  stop?(): Promise<void>;
}
