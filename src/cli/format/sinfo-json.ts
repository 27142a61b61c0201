/**
 * `sinfo --json`: one record per node, with the keys and order of Slurm 22.05's openapi/v0.0.38
 * _dump_node (src/plugins/openapi/v0.0.38/nodes.c). The gateway knows a node through its partitions:
 * name, CPUs, memory, GPUs, which partitions hold it, and the CPUs and memory its visible running jobs
 * use. What only slurmd reports (architecture, boot time, load, free memory, sockets, daemon version)
 * is left as Slurm leaves a node that never registered: "" and 0.
 */
import type { GatewayPartition } from '../gateway-types';
import { JsonFloat, type JsonCValue } from './json-c';
import { expandHostList } from './hostlist';
import { nodeState, perNodeRow, type SinfoRow } from './sinfo-render';

/** What the visible running jobs use on the nodes a partition shares with others (sinfo's node group). */
export interface GroupUsage {
  allocatedCpus: number;
  allocatedMemoryMB: number;
}

/** slurm's node_state_base_string, lowercased, and the flags beside it. */
function stateOf(row: SinfoRow): { state: string; flags: string[] } {
  const s = nodeState(row).long;
  if (s === 'drained') return { state: 'idle', flags: ['DRAIN'] };
  if (s === 'draining') return { state: 'mixed', flags: ['DRAIN'] };
  return { state: s, flags: [] };
}

export function sinfoJsonNodes(partitions: readonly GatewayPartition[], usageOf: (p: GatewayPartition) => GroupUsage): JsonCValue[] {
  const nodes = new Map<string, { first: GatewayPartition; index: number; names: string[] }>();
  for (const p of partitions) {
    expandHostList(p.nodeList).forEach((name, index) => {
      const seen = nodes.get(name);
      if (seen) seen.names.push(p.name);
      else nodes.set(name, { first: p, index, names: [p.name] });
    });
  }
  return [...nodes.entries()].map(([name, { first, index, names }]) => {
    const usage = usageOf(first);
    const row = perNodeRow({ partition: first, usage: { allocatedCpus: usage.allocatedCpus }, node: name });
    const cpus = row.partition.cpus;
    const memory = first.memoryMB ?? 0;
    // Jobs' memory laid onto the nodes in list order, as perNodeRow lays their CPUs.
    const allocMemory = Math.max(0, Math.min(memory, usage.allocatedMemoryMB - index * memory));
    const allocCpus = row.usage.allocatedCpus;
    const gpus = row.partition.gpus;
    const { state, flags } = stateOf(row);
    const gres = gpus > 0 ? `gpu:${gpus}` : '';
    return {
      architecture: '',
      burstbuffer_network_address: '',
      boards: 0,
      boot_time: 0,
      comment: '',
      cores: 0,
      cpu_binding: 0,
      cpu_load: 0,
      extra: '',
      free_memory: 0,
      cpus,
      last_busy: 0,
      features: '',
      active_features: '',
      gres,
      gres_drained: 'N/A',
      gres_used: '',
      mcs_label: '',
      name,
      next_state_after_reboot: 'invalid',
      address: '',
      hostname: name,
      state,
      state_flags: flags,
      next_state_after_reboot_flags: [],
      operating_system: '',
      owner: null,
      partitions: names,
      port: 0,
      real_memory: memory,
      reason: '',
      reason_changed_at: 0,
      reason_set_by_user: null,
      slurmd_start_time: 0,
      sockets: 0,
      threads: 0,
      temporary_disk: 0,
      weight: 1,
      tres: `cpu=${cpus},mem=${memory}M${gpus > 0 ? `,gres/gpu=${gpus}` : ''}`,
      slurmd_version: '',
      alloc_memory: allocMemory,
      alloc_cpus: allocCpus,
      idle_cpus: cpus - allocCpus,
      tres_used: allocCpus > 0 ? `cpu=${allocCpus}${allocMemory > 0 ? `,mem=${allocMemory}M` : ''}` : null,
      // Without billing weights Slurm weighs a CPU as 1.
      tres_weighted: new JsonFloat(allocCpus),
    };
  });
}
