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
import type { ProgramParts } from '../program-parts';

export interface SinfoOptions {
  all?: boolean;
  noheader?: boolean;
  format?: string;
  Format?: string;
  Node?: boolean;
  summarize?: boolean;
  partition?: string;
  verbose?: boolean;
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
    .action((opts: SinfoOptions) => run('sinfo', () => runSinfo(ctx, opts)));
}

/** Partitions on the same engine and nodes share those nodes: Slurm shows their state from every job on them. */
const nodeGroup = (p: GatewayPartition) => `${p.engine}\u0000${p.nodeList}`;

export async function runSinfo(ctx: CliContext, opts: SinfoOptions): Promise<number> {
  const { io } = ctx;
  const client = ctx.client();
  const wanted = opts.partition?.split(',').map((s) => s.trim()).filter(Boolean);
  const partitions = (await listPartitions(client)).filter((p) => !wanted || wanted.includes(p.name));

  const { tokens, unknownCodes } =
    opts.Format !== undefined ? parseSinfoLongFormat(opts.Format) : parseSinfoFormat(opts.format ?? sinfoDefaultFormat(partitions, !!opts.summarize));
  for (const code of unknownCodes) io.stderr(`sinfo: error: Invalid node format specification: ${code}\n`);

  const needsUsage = tokens.some((t) => t.kind === 'field' && 'tTAFC'.includes(t.code));
  const allocated = new Map<string, number>();
  if (needsUsage && partitions.length > 0) {
    const group = new Map(partitions.map((p) => [p.name, nodeGroup(p)]));
    const running = await listJobs(client, { states: ['RUNNING', 'SUSPENDED'], partitions: partitions.map((p) => p.name) });
    for (const r of expandJobs(running)) {
      const key = group.get(r.job.partition);
      if (key && (r.state === 'RUNNING' || r.state === 'SUSPENDED')) allocated.set(key, (allocated.get(key) ?? 0) + r.job.cpus);
    }
  }

  const usage = (p: GatewayPartition) => ({ allocatedCpus: allocated.get(nodeGroup(p)) ?? 0 });
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
  const lines = opts.noheader ? [] : [renderSinfoHeader(tokens)];
  const body = rows.map((row) => renderSinfoLine(tokens, row));
  // Lines left identical after that are one record to Slurm (e.g. `sinfo -o %c` over equal nodes).
  lines.push(...(opts.Node || showsPartition(tokens) ? body : [...new Set(body)]));
  if (lines.length) io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
