import type { JobSpec } from './job-spec';

export type CrossField = 'timeLimitMinutes' | 'timeMinMinutes' | 'begin' | 'deadline' | 'memPerGpuMB' | 'gpus' | 'ntasks' | 'ntasksPerNode' | 'nodes';

/** Names a field in a message: "--time=5 (script line 3)" after parsing, "timeLimitMinutes (5)" for a structured spec. */
export type Namer = (field: CrossField) => string;

/**
 * Rules that tie options together (Slurm's controller refuses these jobs). Shared by the sbatch
 * parser, which names the options and their sources, and the JobSpec schema, which names the fields.
 */
export interface CrossRule {
  field: CrossField;
  violated(spec: JobSpec): boolean;
  message(name: Namer, spec: JobSpec): string;
  allowed: string;
}

const fitsPerNode = (spec: JobSpec) => (spec.ntasksPerNode ?? 0) * (spec.nodes?.max ?? 0);

export const CROSS_RULES: readonly CrossRule[] = [
  {
    field: 'timeMinMinutes',
    violated: (s) =>
      s.timeMinMinutes !== null && s.timeLimitMinutes !== null && s.timeLimitMinutes !== -1 && (s.timeMinMinutes === -1 || s.timeMinMinutes > s.timeLimitMinutes),
    message: (n) => `${n('timeMinMinutes')} is longer than the time limit ${n('timeLimitMinutes')}`,
    allowed: 'a minimum time limit no longer than the time limit',
  },
  {
    field: 'deadline',
    violated: (s) => s.begin !== null && s.deadline !== null && Date.parse(s.begin) > Date.parse(s.deadline),
    message: (n) => `${n('deadline')} comes before the begin time ${n('begin')}`,
    allowed: 'a deadline after the begin time',
  },
  {
    field: 'memPerGpuMB',
    violated: (s) => s.memPerGpuMB !== null && s.gpus === null,
    message: (n) => `${n('memPerGpuMB')} asks for memory per GPU, but the job requests no GPU`,
    allowed: 'a GPU request (--gpus, --gpus-per-node, --gpus-per-task or --gres=gpu) with --mem-per-gpu',
  },
  {
    field: 'gpus',
    violated: (s) => s.gpus?.per === 'task' && s.ntasks === null,
    message: (n) => `${n('gpus')} counts GPUs per task, but the job gives no task count`,
    allowed: '-n/--ntasks together with --gpus-per-task',
  },
  {
    field: 'ntasks',
    violated: (s) => s.ntasks !== null && s.nodes !== null && s.ntasks < s.nodes.min,
    message: (n, s) => `${n('ntasks')} is fewer than the ${s.nodes?.min} nodes of ${n('nodes')}`,
    allowed: 'at least one task per node',
  },
  {
    field: 'ntasks',
    violated: (s) => s.ntasks !== null && s.ntasksPerNode !== null && s.nodes !== null && s.ntasks > fitsPerNode(s),
    message: (n, s) =>
      `${n('ntasks')} cannot be placed: ${n('ntasksPerNode')} on at most ${s.nodes?.max} node(s) of ${n('nodes')} holds ${fitsPerNode(s)} tasks`,
    allowed: 'no more tasks than --ntasks-per-node times the maximum node count',
  },
];
