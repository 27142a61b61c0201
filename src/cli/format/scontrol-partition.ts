/**
 * `scontrol show partition` records as Slurm 22.05 prints them (src/api/partition_info.c): the
 * gateway's partition name, default flag, time limit, nodes, groups, state and capacity; the keys it has
 * no counterpart for print Slurm's value for a partition that leaves them unset.
 */
import type { GatewayPartition } from '../gateway-types';
import { formatLimitMinutes } from './duration';
import { formatMegabytes } from './memory';

const STATE: Record<string, string> = { down: 'DOWN', drain: 'DRAIN', inactive: 'INACTIVE' };

function tres(p: GatewayPartition): string {
  const parts = [`cpu=${p.cpus}`];
  if (p.memoryMB !== null) parts.push(`mem=${formatMegabytes(p.memoryMB)}`);
  parts.push(`node=${p.nodes}`);
  if (p.gpus > 0) parts.push(`gres/gpu=${p.gpus}`);
  return parts.join(',');
}

export function showPartitionLines(p: GatewayPartition): string[][] {
  return [
    [`PartitionName=${p.name}`],
    [`AllowGroups=${p.allowGroups.length ? p.allowGroups.join(',') : 'ALL'}`, 'AllowAccounts=ALL', 'AllowQos=ALL'],
    ['AllocNodes=ALL', `Default=${p.default ? 'YES' : 'NO'}`, 'QoS=N/A'],
    ['DefaultTime=NONE', 'DisableRootJobs=NO', 'ExclusiveUser=NO', 'GraceTime=0', 'Hidden=NO'],
    ['MaxNodes=UNLIMITED', `MaxTime=${formatLimitMinutes(p.maxTimeMinutes)}`, 'MinNodes=0', 'LLN=NO', 'MaxCPUsPerNode=UNLIMITED'],
    [`Nodes=${p.nodeList}`],
    ['PriorityJobFactor=1', 'PriorityTier=1', 'RootOnly=NO', 'ReqResv=NO', 'OverSubscribe=NO'],
    ['OverTimeLimit=NONE', 'PreemptMode=OFF'],
    [`State=${STATE[p.state] ?? 'UP'}`, `TotalCPUs=${p.cpus}`, `TotalNodes=${p.nodes}`, 'SelectTypeParameters=NONE'],
    ['JobDefaults=(null)'],
    ['DefMemPerNode=UNLIMITED', 'MaxMemPerNode=UNLIMITED'],
    [`TRES=${tres(p)}`],
  ];
}

export function renderShowPartition(p: GatewayPartition, oneLiner: boolean): string {
  const lines = showPartitionLines(p).map((items) => items.join(' '));
  if (oneLiner) return `${lines.join(' ')}\n`;
  return `${lines[0]}\n${lines
    .slice(1)
    .map((l) => `   ${l}\n`)
    .join('')}\n`;
}
