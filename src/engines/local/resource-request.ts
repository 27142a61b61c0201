import { constants } from 'node:os';
import { badInput } from '../../common/domain-error';
import type { JobSpec } from '../../domain/job';

/** The one host a local engine schedules on. */
export interface LocalHost {
  engine: string;
  slots: number;
  memoryMB: number;
}

export interface ResourceRequest {
  ntasks: number;
  cpusPerTask: number;
  /** CPU slots one task (one array element) occupies. */
  slots: number;
}

/** Slots a task needs: tasks × CPUs per task; `--exclusive` takes the whole host, as on a Slurm node. */
export function resourceRequest(spec: JobSpec, host: LocalHost): ResourceRequest {
  const ntasks = Math.max(1, spec.ntasks ?? spec.ntasksPerNode ?? 1);
  const cpusPerTask = Math.max(1, spec.cpusPerTask ?? 1);
  return { ntasks, cpusPerTask, slots: spec.exclusive ? host.slots : ntasks * cpusPerTask };
}

/** Refuses, at submit time, what this host can never run; the message names the option and the limit. */
export function assertFitsHost(spec: JobSpec, host: LocalHost): ResourceRequest {
  const request = resourceRequest(spec, host);
  const engine = `engine ${host.engine}`;
  if (spec.nodes && spec.nodes.min > 1) {
    throw badInput(`requests ${spec.nodes.min} nodes (--nodes); ${engine} is a single host: ask for --nodes=1 or use a partition on a cluster engine`, {
      option: '--nodes',
      requested: spec.nodes.min,
      allowed: 1,
    });
  }
  if (spec.gpus && spec.gpus.count > 0) {
    throw badInput(`requests GPUs (--gpus/--gres=gpu: ${spec.gpus.count}); ${engine} has none: use a partition with GPUs`, {
      option: '--gpus',
      requested: spec.gpus.count,
      allowed: 0,
    });
  }
  if (request.slots > host.slots) {
    throw badInput(
      `requests ${request.slots} CPUs (ntasks ${request.ntasks} × cpus-per-task ${request.cpusPerTask}); ${engine} has ${host.slots} slots`,
      { option: '--ntasks/--cpus-per-task', requested: request.slots, allowed: host.slots },
    );
  }
  const memory = requestedMemoryMB(spec, request);
  if (memory && memory.mb > host.memoryMB) {
    throw badInput(`requests ${memory.mb} MB of memory (${memory.how}); ${engine} has ${host.memoryMB} MB`, {
      option: memory.option,
      requested: memory.mb,
      allowed: host.memoryMB,
    });
  }
  if (spec.constraint) {
    throw badInput(`--constraint=${spec.constraint} cannot be satisfied: ${engine} has no node features`, {
      option: '--constraint',
      value: spec.constraint,
    });
  }
  if (spec.signal) signalNumber(spec.signal.signal);
  return request;
}

function requestedMemoryMB(spec: JobSpec, request: ResourceRequest): { mb: number; how: string; option: string } | null {
  // --mem=0 means "all of the node's memory", which always fits.
  if (spec.memPerNodeMB) return { mb: spec.memPerNodeMB, how: '--mem', option: '--mem' };
  if (spec.memPerCpuMB) {
    const cpus = request.ntasks * request.cpusPerTask;
    return { mb: spec.memPerCpuMB * cpus, how: `--mem-per-cpu ${spec.memPerCpuMB} MB × ${cpus} CPUs`, option: '--mem-per-cpu' };
  }
  return null;
}

/** `--signal` names a signal as Slurm does: `USR1`, `SIGUSR1` or a number. */
export function signalNumber(signal: string): number {
  const text = signal.trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return n;
  } else {
    const n = (constants.signals as Record<string, number | undefined>)[text.startsWith('SIG') ? text : `SIG${text}`];
    if (n !== undefined) return n;
  }
  throw badInput(`--signal=${signal}: unknown signal; use a name such as USR1, TERM or a number from 1 to 64`, {
    option: '--signal',
    value: signal,
  });
}
