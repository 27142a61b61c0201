/**
 * Facts every job view derives the same way: the time limit in force, the reason text, the end Slurm
 * expects. Kept together so squeue, sacct and scontrol never disagree about one job.
 */
import type { GatewayJob, GatewayPartition } from '../gateway-types';
import type { PrintedJob } from './printed-jobs';
import { formatInUnit, formatMegabytes, type MemoryUnit } from './memory';

/** How long Slurm keeps a finished job in the controller (MinJobAge's default): scontrol show job, squeue --json. */
export const MIN_JOB_AGE_MS = 300_000;

/** Maximum time per partition name, for jobs submitted without --time (Slurm applies the partition's). */
export type PartitionLimits = ReadonlyMap<string, number>;

export function partitionLimits(partitions: readonly GatewayPartition[]): PartitionLimits {
  return new Map(partitions.map((p) => [p.name, p.maxTimeMinutes]));
}

/** Minutes; -1 = unlimited; null = not known (no --time and the partition is not known either). */
export function effectiveTimeLimit(r: PrintedJob, limits: PartitionLimits): number | null {
  return r.job.timeLimitMinutes ?? limits.get(r.job.partition) ?? null;
}

export const isPending = (r: PrintedJob) => r.state === 'PENDING' || r.state === 'HELD';

/** The reason Slurm would print: the gateway's own, else Slurm's usual word for the state. */
export function reasonText(r: PrintedJob): string {
  if (r.reason) return r.reason;
  switch (r.state) {
    case 'HELD':
      return 'JobHeldUser';
    case 'FAILED':
      return 'NonZeroExitCode';
    case 'TIMEOUT':
      return 'TimeLimit';
    case 'OUT_OF_MEMORY':
      return 'OutOfMemory';
    default:
      return 'None';
  }
}

/**
 * squeue %R: the reason in parentheses for jobs that wait or failed (Slurm's IS_JOB_PENDING/FAILED/
 * TIMEOUT/OOM), the node list for everything else.
 */
export function showsReasonInsteadOfNodes(r: PrintedJob): boolean {
  return isPending(r) || r.state === 'FAILED' || r.state === 'TIMEOUT' || r.state === 'OUT_OF_MEMORY';
}

/** squeue's exit_code: the wait status (exit code in the high byte, the signal in the low bits). */
export function waitStatus(r: PrintedJob): number {
  return ((r.exitCode ?? 0) << 8) | (r.signal ?? 0);
}

/** The end Slurm reports: the real one, else start + limit while it runs; null when unknown or unlimited. */
export function expectedEnd(r: PrintedJob, limits: PartitionLimits): Date | null {
  if (r.endTime) return r.endTime;
  const limit = effectiveTimeLimit(r, limits);
  if (!r.startTime || limit === null || limit < 0) return null;
  return new Date(r.startTime.getTime() + limit * 60_000);
}

/**
 * Who cancelled the record, from the job's events (`user:<name>` actors; engines and the gateway
 * itself are not people). Slurm prints a uid there; the gateway knows users by name.
 */
export function cancelledBy(r: PrintedJob): string | null {
  if (r.state !== 'CANCELLED' || !r.job.events) return null;
  const event = [...r.job.events]
    .reverse()
    .find((e) => e.toState === 'CANCELLED' && e.actor.startsWith('user:') && (e.arrayIndex === null || e.arrayIndex === r.arrayIndex));
  return event ? event.actor.slice('user:'.length) : null;
}

/** The memory a job holds in all: per node times nodes, or per CPU times CPUs; null when it asked none. */
export function jobMemoryMB(job: Pick<GatewayJob, 'spec' | 'nodes' | 'cpus'>): number | null {
  const spec = job.spec;
  if (typeof spec?.memPerNodeMB === 'number') return spec.memPerNodeMB * job.nodes;
  if (typeof spec?.memPerCpuMB === 'number') return spec.memPerCpuMB * job.cpus;
  return null;
}

/** The trackable resources Slurm lists for a job (`cpu=2,mem=4000M,node=1,gres/gpu=1`). */
export function tresText(r: PrintedJob, units?: MemoryUnit): string {
  const parts = [`cpu=${r.job.cpus}`];
  const spec = r.job.spec;
  const mem = jobMemoryMB(r.job);
  if (mem !== null && mem > 0) parts.push(`mem=${units ? formatInUnit(mem, units) : formatMegabytes(mem)}`);
  parts.push(`node=${r.job.nodes}`);
  const gpus = spec?.gpus as { count?: number; per?: string } | null | undefined;
  if (gpus && typeof gpus.count === 'number') {
    const times = gpus.per === 'node' ? r.job.nodes : gpus.per === 'task' ? ((spec?.ntasks as number | null) ?? 1) : 1;
    parts.push(`gres/gpu=${gpus.count * times}`);
  }
  return parts.join(',');
}

/** squeue %b / sacct-style TRES per node: `gres:gpu[:type]:N` for per-node GPU requests. */
export function tresPerNode(spec: Record<string, unknown> | undefined): string | null {
  const gpus = spec?.gpus as { count?: number; type?: string | null; per?: string } | null | undefined;
  if (!gpus || gpus.per !== 'node' || typeof gpus.count !== 'number') return null;
  return `gres:gpu:${gpus.type ? `${gpus.type}:` : ''}${gpus.count}`;
}
