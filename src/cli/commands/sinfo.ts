/**
 * `hpcg sinfo`: the site's partitions as Slurm's sinfo shows them. Partitions map to engines (a Slurm
 * cluster, Kubernetes, HTCondor, the local executor); the node columns are the engine's capacity.
 */
import type { CliContext } from '../cli-context';
import { listJobs, listPartitions } from '../gateway-api';
import { expandJobs } from '../format/printed-jobs';
import { parseSinfoFormat, renderSinfoHeader, renderSinfoLine, type SinfoRow, sinfoDefaultFormat } from '../format/sinfo-render';
import type { ProgramParts } from '../program-parts';

export interface SinfoOptions {
  noheader?: boolean;
  format?: string;
  summarize?: boolean;
  partition?: string;
  verbose?: boolean;
}

export function registerSinfo({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('sinfo', 'view partitions (Slurm sinfo)')
    .option('-h, --noheader', 'do not print a header')
    .option('-o, --format <output_format>', 'printf-style layout: %P %R %a %l %D %t %T %N %c %m %G %A %F')
    .option('-s, --summarize', 'node counts as allocated/idle/other/total')
    .option('-p, --partition <partition>', 'only these partitions (comma list)')
    .option('-v, --verbose', 'accepted for compatibility')
    .action((opts: SinfoOptions) => run('sinfo', () => runSinfo(ctx, opts)));
}

export async function runSinfo(ctx: CliContext, opts: SinfoOptions): Promise<number> {
  const { io } = ctx;
  const client = ctx.client();
  const wanted = opts.partition?.split(',').map((s) => s.trim()).filter(Boolean);
  const partitions = (await listPartitions(client)).filter((p) => !wanted || wanted.includes(p.name));

  const { tokens, unknownCodes } = parseSinfoFormat(opts.format ?? sinfoDefaultFormat(partitions, !!opts.summarize));
  for (const code of unknownCodes) io.stderr(`sinfo: error: Invalid node format specification: ${code}\n`);

  const needsUsage = tokens.some((t) => t.kind === 'field' && 'tTAF'.includes(t.code));
  const allocated = new Map<string, number>();
  if (needsUsage && partitions.length > 0) {
    const running = await listJobs(client, { states: ['RUNNING', 'SUSPENDED'], partitions: partitions.map((p) => p.name) });
    for (const r of expandJobs(running)) {
      if (r.state === 'RUNNING' || r.state === 'SUSPENDED') allocated.set(r.job.partition, (allocated.get(r.job.partition) ?? 0) + r.job.cpus);
    }
  }

  const rows: SinfoRow[] = partitions.map((partition) => ({ partition, usage: { allocatedCpus: allocated.get(partition.name) ?? 0 } }));
  const lines = opts.noheader ? [] : [renderSinfoHeader(tokens)];
  for (const row of rows) lines.push(renderSinfoLine(tokens, row));
  if (lines.length) io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
