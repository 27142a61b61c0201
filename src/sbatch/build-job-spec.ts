import { type JobSpec, MAX_NAME_LENGTH } from '../domain/job';
import { CollectedOptions, Origin } from './collected-options';

export interface BuildInput {
  script: string;
  scriptArgs: string[];
  env: Record<string, string>;
  scriptName: string | null;
  wrapped: boolean;
}

export type Origins = Partial<Record<keyof JobSpec, Origin>>;

/** sbatch options that set a JobSpec field only when given. */
const OPTION_ONLY_FIELDS = ['nodeList', 'excludeNodes', 'priority', 'reservations', 'licenses', 'noKill', 'propagate', 'getUserEnv'] as const;

/** sbatch's default job name: the script's base name, "sbatch" for stdin, "wrap" for --wrap. */
export function defaultJobName(scriptName: string | null, wrapped: boolean): string {
  if (wrapped) return 'wrap';
  if (scriptName === null) return 'sbatch';
  const base = scriptName.replace(/\/+$/, '').split('/').pop() ?? '';
  // A file name is chosen by the file system, not the user's intent: make it a valid job name.
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, MAX_NAME_LENGTH);
  return cleaned === '' ? 'sbatch' : cleaned;
}

/**
 * Turns the collected options into a JobSpec with sbatch's defaults. Also returns, per field, the
 * option that set it, so cross-option errors can point at what the user wrote.
 */
export function buildJobSpec(c: CollectedOptions, input: BuildInput, warnings: string[]): { spec: JobSpec; origins: Origins } {
  const origins: Origins = {};
  const take = <T>(field: keyof JobSpec, slot: { value: T; origin: Origin } | undefined): T | undefined => {
    if (slot) origins[field] = slot.origin;
    return slot?.value;
  };

  let nodes = take('nodes', c.nodes) ?? null;
  const ntasks = take('ntasks', c.ntasks) ?? null;
  if (nodes && ntasks !== null && ntasks < nodes.min) {
    // sbatch's own adjustment: it warns and shrinks the node count rather than refusing.
    warnings.push(`can't run ${ntasks} processes on ${nodes.min} nodes, setting nnodes to ${ntasks}`);
    nodes = { min: ntasks, max: ntasks };
  }
  const memory = c.memory?.value;
  if (c.memory && memory) origins[memory.field] = c.memory.origin;
  const sharing = take('exclusive', c.sharing);

  const spec: JobSpec = {
    name: take('name', c.name) ?? defaultJobName(input.scriptName, input.wrapped),
    partitions: take('partitions', c.partitions) ?? [],
    timeLimitMinutes: take('timeLimitMinutes', c.timeLimitMinutes) ?? null,
    timeMinMinutes: take('timeMinMinutes', c.timeMinMinutes) ?? null,
    nodes,
    ntasks,
    ntasksPerNode: take('ntasksPerNode', c.ntasksPerNode) ?? null,
    cpusPerTask: take('cpusPerTask', c.cpusPerTask) ?? null,
    memPerNodeMB: memory?.field === 'memPerNodeMB' ? memory.mb : null,
    memPerCpuMB: memory?.field === 'memPerCpuMB' ? memory.mb : null,
    memPerGpuMB: memory?.field === 'memPerGpuMB' ? memory.mb : null,
    gpus: take('gpus', c.gpus) ?? null,
    array: take('array', c.array) ?? null,
    dependency: take('dependency', c.dependency) ?? null,
    output: take('output', c.output) ?? null,
    error: take('error', c.error) ?? null,
    input: take('input', c.input) ?? null,
    workdir: take('workdir', c.workdir) ?? null,
    openMode: take('openMode', c.openMode) ?? null,
    export: take('export', c.export) ?? { mode: 'ALL', vars: {} },
    environment: Object.fromEntries(Object.entries(input.env)),
    account: take('account', c.account) ?? null,
    qos: take('qos', c.qos) ?? null,
    constraint: take('constraint', c.constraint) ?? null,
    comment: take('comment', c.comment) ?? null,
    exclusive: sharing?.exclusive ?? false,
    requeue: take('requeue', c.requeue) ?? null,
    hold: take('hold', c.hold) ?? false,
    begin: take('begin', c.begin)?.toISOString() ?? null,
    deadline: take('deadline', c.deadline)?.toISOString() ?? null,
    signal: take('signal', c.signal) ?? null,
    mailType: [...c.mailType],
    mailUser: take('mailUser', c.mailUser) ?? null,
    nice: take('nice', c.nice) ?? null,
    scriptArgs: [...input.scriptArgs],
    script: input.script,
  };

  if (sharing?.exclusive && sharing.scope) spec.exclusiveScope = sharing.scope;
  if (sharing && !sharing.exclusive) spec.oversubscribe = true;
  // Fields present only when their option was given (JobSpec's exactOptional fields).
  for (const field of OPTION_ONLY_FIELDS) {
    const value = take(field, c[field] as { value: unknown; origin: Origin } | undefined);
    // An empty value (`--reservation=`) clears the option, as in sbatch.
    if (value !== undefined && value !== null && value !== '') (spec as Record<string, unknown>)[field] = value;
  }
  return { spec, origins };
}
