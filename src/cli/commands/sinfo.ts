/**
 * `hpcg sinfo`: the site's partitions as Slurm's sinfo shows them. Partitions map to engines (a Slurm
 * cluster, Kubernetes, HTCondor, the local executor); the node columns are the engine's capacity.
 */
import type { CliContext } from '../cli-context';
import { listJobs, listPartitions } from '../gateway-api';
import type { GatewayPartition } from '../gateway-types';
import { expandHostList } from '../format/hostlist';
import { expandJobs } from '../format/printed-jobs';
import {
  parseSinfoFormat,
  parseSinfoLongFormat,
  renderSinfoHeader,
  renderSinfoLine,
  showsPartition,
  type SinfoRow,
  sinfoDefaultFormat,
} from '../format/sinfo-render';
import type { GroupUsage } from '../format/sinfo-json';
import { jobMemoryMB } from '../format/job-facts';
import type { ProgramParts } from '../program-parts';
import { clusterChoice, requireSiteCluster } from './cluster-option';

export interface SinfoOptions {
  all?: boolean;
  noheader?: boolean;
  format?: string;
  Format?: string;
  Node?: boolean;
  summarize?: boolean;
  partition?: string;
  verbose?: boolean;
  json?: boolean;
  clusters?: string;
}

export function registerSinfo({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('sinfo', 'view partitions (Slurm sinfo)')
    .option('-a, --all', 'accepted for compatibility: every partition is always shown')
    .option('-h, --noheader', 'do not print a header')
    .option('-o, --format <output_format>', 'printf-style layout: %P %R %a %l %D %t %T %N %n %c %C %m %f %G %A %F')
    .option('-O, --Format <output_format>', 'comma list of field names, e.g. "NodeHost:100,Gres:512,GresUsed,StateLong"')
    .option('-N, --Node', 'one line per node')
    .option('-s, --summarize', 'node counts as allocated/idle/other/total')
    .option('-p, --partition <partition>', 'only these partitions (comma list)')
    .option('-v, --verbose', 'accepted for compatibility')
    .option('-M, --clusters <cluster_list>', "the site's cluster (its name or all): a CLUSTER: line heads the output")
    .option('--json', "every node, as Slurm 22.05's JSON (other options are ignored, as by Slurm)")
    .action((opts: SinfoOptions) => run('sinfo', () => (opts.json ? runSinfoJson(ctx) : runSinfo(ctx, opts))));
}

/** Partitions on the same engine and nodes share those nodes: Slurm shows their state from every job on them. */
const nodeGroup = (p: GatewayPartition) => `${p.engine}\u0000${p.nodeList}`;

/** CPUs and memory the caller's visible running jobs use, per node group. */
async function groupUsage(ctx: CliContext, partitions: readonly GatewayPartition[], memory: boolean): Promise<Map<string, GroupUsage>> {
  const usage = new Map<string, GroupUsage>();
  if (partitions.length === 0) return usage;
  const group = new Map(partitions.map((p) => [p.name, nodeGroup(p)]));
  const running = await listJobs(ctx.client(), { states: ['RUNNING', 'SUSPENDED'], partitions: partitions.map((p) => p.name) }, { spec: memory });
  for (const r of expandJobs(running)) {
    const key = group.get(r.job.partition);
    if (!key || (r.state !== 'RUNNING' && r.state !== 'SUSPENDED')) continue;
    const u = usage.get(key) ?? { allocatedCpus: 0, allocatedMemoryMB: 0 };
    u.allocatedCpus += r.job.cpus;
    u.allocatedMemoryMB += memory ? (jobMemoryMB(r.job) ?? 0) : 0;
    usage.set(key, u);
  }
  return usage;
}

/** `sinfo --json`: like Slurm 22.05, every node whatever the options. */
async function runSinfoJson(ctx: CliContext): Promise<number> {
  const [{ slurmJsonDocument }, { sinfoJsonNodes }] = await Promise.all([import('../format/slurm-json'), import('../format/sinfo-json')]);
  const partitions = await listPartitions(ctx.client());
  const usage = await groupUsage(ctx, partitions, true);
  const nodes = sinfoJsonNodes(partitions, (p) => usage.get(nodeGroup(p)) ?? { allocatedCpus: 0, allocatedMemoryMB: 0 });
  ctx.io.stdout(slurmJsonDocument('v0.0.38', 'nodes', nodes));
  return 0;
}

export async function runSinfo(ctx: CliContext, opts: SinfoOptions): Promise<number> {
  const { io } = ctx;
  const cluster = await requireSiteCluster(ctx, 'sinfo', clusterChoice(opts.clusters, io.env));
  const client = ctx.client();
  const wanted = opts.partition?.split(',').map((s) => s.trim()).filter(Boolean);
  const partitions = (await listPartitions(client)).filter((p) => !wanted || wanted.includes(p.name));

  const { tokens, unknownCodes } =
    opts.Format !== undefined ? parseSinfoLongFormat(opts.Format) : parseSinfoFormat(opts.format ?? sinfoDefaultFormat(partitions, !!opts.summarize));
  for (const code of unknownCodes) io.stderr(`sinfo: error: Invalid node format specification: ${code}\n`);

  const needsUsage = tokens.some((t) => t.kind === 'field' && 'tTAFC'.includes(t.code));
  const allocated = needsUsage ? await groupUsage(ctx, partitions, false) : new Map<string, GroupUsage>();
  const usage = (p: GatewayPartition) => ({ allocatedCpus: allocated.get(nodeGroup(p))?.allocatedCpus ?? 0 });
  let rows: SinfoRow[];
  if (opts.Node) {
    rows = partitions.flatMap((partition) => expandHostList(partition.nodeList).map((node) => ({ partition, usage: usage(partition), node })));
  } else if (showsPartition(tokens)) {
    rows = partitions.map((partition) => ({ partition, usage: usage(partition) }));
  } else {
    // Without a partition column Slurm merges records: partitions sharing their nodes count them once.
    const seen = new Set<string>();
    rows = partitions.filter((p) => !seen.has(nodeGroup(p)) && seen.add(nodeGroup(p))).map((partition) => ({ partition, usage: usage(partition) }));
  }
  const lines = opts.noheader ? [] : [...(cluster === null ? [] : [`CLUSTER: ${cluster}`]), renderSinfoHeader(tokens)];
  const body = rows.map((row) => renderSinfoLine(tokens, row));
  // Lines left identical after that are one record to Slurm (e.g. `sinfo -o %c` over equal nodes).
  lines.push(...(opts.Node || showsPartition(tokens) ? body : [...new Set(body)]));
  if (lines.length) io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
