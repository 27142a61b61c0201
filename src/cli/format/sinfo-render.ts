/**
 * sinfo's partition lines, after Slurm 22.05's src/sinfo: one line per partition (the gateway reports
 * a partition's nodes as one group), the default partition marked with `*`, and the partition column
 * as wide as the longest name (at least 9), as `%#P` makes it.
 */
import type { GatewayPartition } from '../gateway-types';
import { fitField } from './fit-field';
import { type FormatToken, parseLongFormat, parsePrintfFormat } from './printf-format';
import { expandHostList } from './hostlist';
import { formatCompactDuration } from './duration';

export interface PartitionUsage {
  /** CPUs in use by the running jobs the caller can see. */
  allocatedCpus: number;
}

export interface SinfoRow {
  partition: GatewayPartition;
  usage: PartitionUsage;
  /** sinfo -N: the one node this line is about (the partition's share of it). */
  node?: string;
}

type NodeState = { compact: string; long: string; allocatedNodes: number; otherNodes: number };

/**
 * Node state from the partition state and the CPUs in use. The gateway has no per-node view, and a
 * non-admin sees only their own jobs, so "idle" can mean "idle for all I can see".
 */
export function nodeState(row: SinfoRow): NodeState {
  const { partition: p, usage } = row.node ? perNodeRow(row) : row;
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

/**
 * One node's share of its partition for sinfo -N: the CPUs, memory and GPUs of one node, and the
 * CPUs in use laid onto the nodes in list order (the gateway knows the partition's total, not where).
 */
export function perNodeRow(row: SinfoRow): SinfoRow {
  const { partition: p } = row;
  if (!row.node || p.nodes <= 1) return row;
  const perNodeCpus = Math.floor(p.cpus / p.nodes);
  const index = Math.max(0, expandHostList(p.nodeList).indexOf(row.node));
  const allocatedCpus = Math.max(0, Math.min(perNodeCpus, row.usage.allocatedCpus - index * perNodeCpus));
  return {
    node: row.node,
    usage: { allocatedCpus },
    partition: { ...p, nodes: 1, cpus: perNodeCpus, gpus: Math.floor(p.gpus / p.nodes), memoryMB: p.memoryMB, nodeList: row.node },
  };
}

function cpuStates(row: SinfoRow): string {
  const { partition: p, usage } = row.node ? perNodeRow(row) : row;
  const other = ['unknown', 'down', 'drain'].includes(p.state) && usage.allocatedCpus === 0 ? p.cpus : 0;
  const allocated = Math.min(p.cpus, usage.allocatedCpus);
  return `${allocated}/${p.cpus - allocated - other}/${other}/${p.cpus}`;
}

const AVAIL: Record<string, string> = { up: 'up', down: 'down', drain: 'drain', inactive: 'inactive' };

interface SinfoField {
  header: string;
  /** -O/--Format names, case-insensitive. */
  longNames?: string[];
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
  P: { header: 'PARTITION', longNames: ['Partition'], value: partitionName },
  R: { header: 'PARTITION', longNames: ['PartitionName'], value: (r) => r.partition.name },
  a: { header: 'AVAIL', longNames: ['Available'], value: (r) => AVAIL[r.partition.state] ?? r.partition.state },
  l: {
    header: 'TIMELIMIT',
    longNames: ['Time'],
    cut: false,
    value: (r) => (r.partition.maxTimeMinutes < 0 ? 'infinite' : formatCompactDuration(r.partition.maxTimeMinutes * 60)),
  },
  D: { header: 'NODES', longNames: ['Nodes'], value: (r) => (r.node ? '1' : String(r.partition.nodes)) },
  t: { header: 'STATE', longNames: ['StateCompact'], value: (r) => nodeState(r).compact },
  T: { header: 'STATE', longNames: ['StateLong'], value: (r) => nodeState(r).long },
  N: { header: 'NODELIST', longNames: ['NodeList'], cut: false, value: (r) => r.node ?? r.partition.nodeList },
  n: { header: 'HOSTNAMES', longNames: ['NodeHost'], cut: false, value: (r) => r.node ?? r.partition.nodeList },
  c: { header: 'CPUS', longNames: ['CPUs'], value: (r) => (r.node ? perNode(perNodeRow(r).partition.cpus, 1) : perNode(r.partition.cpus, r.partition.nodes)) },
  C: { header: 'CPUS(A/I/O/T)', longNames: ['CPUsState'], value: cpuStates },
  // sinfo prints configured memory per node; an engine that does not report it shows 0.
  m: { header: 'MEMORY', longNames: ['Memory'], value: (r) => (r.partition.memoryMB === null ? '0' : perNode(r.partition.memoryMB, 1)) },
  // The gateway's partitions carry no node features.
  f: { header: 'AVAIL_FEATURES', longNames: ['Features'], value: () => '(null)' },
  G: {
    header: 'GRES',
    longNames: ['Gres'],
    value: (r) => {
      const p = r.node ? perNodeRow(r).partition : r.partition;
      return p.gpus > 0 ? `gpu:${perNode(p.gpus, p.nodes)}` : '(null)';
    },
  },
  // GPUs in use per node are not reported by the engines: Slurm's "nothing known" for a node with GPUs.
  gresused: { header: 'GRES_USED', longNames: ['GresUsed'], value: (r) => (r.partition.gpus > 0 ? 'N/A' : '(null)') },
  A: {
    header: 'NODES(A/I)',
    longNames: ['NodeAI'],
    value: (r) => {
      const s = nodeState(r);
      const nodes = r.node ? 1 : r.partition.nodes;
      return `${s.allocatedNodes}/${nodes - s.allocatedNodes - s.otherNodes}`;
    },
  },
  F: {
    header: 'NODES(A/I/O/T)',
    longNames: ['NodeAIOT'],
    value: (r) => {
      const s = nodeState(r);
      const nodes = r.node ? 1 : r.partition.nodes;
      return `${s.allocatedNodes}/${nodes - s.allocatedNodes - s.otherNodes}/${s.otherNodes}/${nodes}`;
    },
  },
};

export const SINFO_CODES: ReadonlySet<string> = new Set(Object.keys(SINFO_FIELDS).filter((c) => c.length === 1));

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

/** -O/--Format with sinfo's field names. */
export function parseSinfoLongFormat(format: string): { tokens: FormatToken[]; unknownCodes: string[] } {
  const lower = (n: string) => n.toLowerCase();
  return parseLongFormat(format, (name) => Object.keys(SINFO_FIELDS).find((c) => SINFO_FIELDS[c].longNames?.some((n) => lower(n) === lower(name))));
}

/** Whether the layout shows partitions: without a partition column, Slurm merges what they share. */
export function showsPartition(tokens: readonly FormatToken[]): boolean {
  return tokens.some((t) => t.kind === 'field' && (t.code === 'P' || t.code === 'R'));
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
