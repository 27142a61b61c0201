/**
 * sinfo's partition lines, after Slurm 22.05's src/sinfo: one line per partition (the gateway reports
 * a partition's nodes as one group), the default partition marked with `*`, and the partition column
 * as wide as the longest name (at least 9), as `%#P` makes it.
 */
import type { GatewayPartition } from '../gateway-types';
import { fitField } from './fit-field';
import { type FormatToken, parsePrintfFormat } from './printf-format';
import { formatCompactDuration } from './duration';

export interface PartitionUsage {
  /** CPUs in use by the running jobs the caller can see. */
  allocatedCpus: number;
}

export interface SinfoRow {
  partition: GatewayPartition;
  usage: PartitionUsage;
}

type NodeState = { compact: string; long: string; allocatedNodes: number; otherNodes: number };

/**
 * Node state from the partition state and the CPUs in use. The gateway has no per-node view, and a
 * non-admin sees only their own jobs, so "idle" can mean "idle for all I can see".
 */
export function nodeState(row: SinfoRow): NodeState {
  const { partition: p, usage } = row;
  const cpusPerNode = p.nodes > 0 ? p.cpus / p.nodes : 0;
  const allocatedNodes = cpusPerNode > 0 ? Math.min(p.nodes, Math.ceil(usage.allocatedCpus / cpusPerNode)) : 0;
  // Capacity the engine has not reported lately: Slurm's own word for a node it cannot vouch for.
  if (p.state === 'unknown') return { compact: 'unk', long: 'unknown', allocatedNodes: 0, otherNodes: p.nodes };
  if (p.state === 'down') return { compact: 'down', long: 'down', allocatedNodes: 0, otherNodes: p.nodes };
  if (p.state === 'drain') {
    return usage.allocatedCpus > 0
      ? { compact: 'drng', long: 'draining', allocatedNodes, otherNodes: p.nodes - allocatedNodes }
      : { compact: 'drain', long: 'drained', allocatedNodes: 0, otherNodes: p.nodes };
  }
  if (usage.allocatedCpus <= 0) return { compact: 'idle', long: 'idle', allocatedNodes: 0, otherNodes: 0 };
  if (usage.allocatedCpus >= p.cpus) return { compact: 'alloc', long: 'allocated', allocatedNodes, otherNodes: 0 };
  return { compact: 'mix', long: 'mixed', allocatedNodes, otherNodes: 0 };
}

const AVAIL: Record<string, string> = { up: 'up', down: 'down', drain: 'drain', inactive: 'inactive' };

interface SinfoField {
  header: string;
  cut?: boolean;
  value(row: SinfoRow, width: number): string;
}

function partitionName(row: SinfoRow, width: number): string {
  const { name } = row.partition;
  if (!row.partition.default) return name;
  return width > 0 && name.length + 1 > width ? `${name.slice(0, Math.max(0, width - 1))}*` : `${name}*`;
}

const perNode = (total: number, nodes: number) => {
  if (nodes <= 0) return String(total);
  const each = Math.floor(total / nodes);
  return total % nodes === 0 ? String(each) : `${each}+`;
};

export const SINFO_FIELDS: Readonly<Record<string, SinfoField>> = {
  P: { header: 'PARTITION', value: partitionName },
  R: { header: 'PARTITION', value: (r) => r.partition.name },
  a: { header: 'AVAIL', value: (r) => AVAIL[r.partition.state] ?? r.partition.state },
  l: {
    header: 'TIMELIMIT',
    cut: false,
    value: (r) => (r.partition.maxTimeMinutes < 0 ? 'infinite' : formatCompactDuration(r.partition.maxTimeMinutes * 60)),
  },
  D: { header: 'NODES', value: (r) => String(r.partition.nodes) },
  t: { header: 'STATE', value: (r) => nodeState(r).compact },
  T: { header: 'STATE', value: (r) => nodeState(r).long },
  N: { header: 'NODELIST', cut: false, value: (r) => r.partition.nodeList },
  c: { header: 'CPUS', value: (r) => perNode(r.partition.cpus, r.partition.nodes) },
  // sinfo prints configured memory per node; an engine that does not report it shows 0.
  m: { header: 'MEMORY', value: (r) => (r.partition.memoryMB === null ? '0' : perNode(r.partition.memoryMB, 1)) },
  G: {
    header: 'GRES',
    value: (r) => (r.partition.gpus > 0 ? `gpu:${perNode(r.partition.gpus, r.partition.nodes)}` : '(null)'),
  },
  A: {
    header: 'NODES(A/I)',
    value: (r) => {
      const s = nodeState(r);
      return `${s.allocatedNodes}/${r.partition.nodes - s.allocatedNodes - s.otherNodes}`;
    },
  },
  F: {
    header: 'NODES(A/I/O/T)',
    value: (r) => {
      const s = nodeState(r);
      return `${s.allocatedNodes}/${r.partition.nodes - s.allocatedNodes - s.otherNodes}/${s.otherNodes}/${r.partition.nodes}`;
    },
  },
};

export const SINFO_CODES: ReadonlySet<string> = new Set(Object.keys(SINFO_FIELDS));

/** `%#P`: the longest partition name (with its `*`), never narrower than the header. */
export function partitionColumnWidth(partitions: readonly GatewayPartition[]): number {
  return Math.max(9, ...partitions.map((p) => p.name.length + (p.default ? 1 : 0)));
}

export function sinfoDefaultFormat(partitions: readonly GatewayPartition[], summarize: boolean): string {
  const w = partitionColumnWidth(partitions);
  return summarize ? `%${w}P %.5a %.10l %.16F %N` : `%${w}P %.5a %.10l %.6D %.6t %N`;
}

export function parseSinfoFormat(format: string): { tokens: FormatToken[]; unknownCodes: string[] } {
  return parsePrintfFormat(format, SINFO_CODES);
}

export function renderSinfoHeader(tokens: readonly FormatToken[]): string {
  return tokens.map((t) => (t.kind === 'text' ? t.text : fitField(SINFO_FIELDS[t.code].header, t.width, t.rightJustify))).join('');
}

export function renderSinfoLine(tokens: readonly FormatToken[], row: SinfoRow): string {
  return tokens
    .map((t) => {
      if (t.kind === 'text') return t.text;
      const field = SINFO_FIELDS[t.code];
      return fitField(field.value(row, t.width), t.width, t.rightJustify, field.cut ?? true);
    })
    .join('');
}
