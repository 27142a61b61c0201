import { badInput } from '../../common/domain-error';
import type { JobSpec } from '../../domain/job';

/** What one pod (one array task) asks for; requests = limits, so a job gets exactly what it asked for (Guaranteed QoS). */
export interface PodResources {
  ntasks: number;
  cpus: number;
  memoryMB: number;
  gpus: number;
}

/** Refuses, at submit time, what a single pod cannot express; the message names the option. */
export function podResources(spec: JobSpec, where: string, defaultMemPerCpuMB: number): PodResources {
  if (spec.nodes && spec.nodes.min > 1) {
    throw badInput(`requests ${spec.nodes.min} nodes (--nodes); ${where} runs each job (each array task) as one pod on one node: ask for --nodes=1`, {
      option: '--nodes',
      requested: spec.nodes.min,
      allowed: 1,
    });
  }
  if (spec.memPerNodeMB === 0) {
    throw badInput(`--mem=0 (all of a node's memory) has no meaning on ${where}, where pods share nodes: give a size such as --mem=4G`, { option: '--mem' });
  }
  const ntasks = Math.max(1, spec.ntasks ?? spec.ntasksPerNode ?? 1);
  const cpus = ntasks * Math.max(1, spec.cpusPerTask ?? 1);
  const gpus = spec.gpus ? spec.gpus.count * (spec.gpus.per === 'task' ? ntasks : 1) : 0;
  const memoryMB = spec.memPerNodeMB ?? (spec.memPerCpuMB ? spec.memPerCpuMB * cpus : spec.memPerGpuMB && gpus ? spec.memPerGpuMB * gpus : defaultMemPerCpuMB * cpus);
  return { ntasks, cpus, memoryMB, gpus };
}
