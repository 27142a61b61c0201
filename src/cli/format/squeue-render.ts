/**
 * squeue's output: the layout (from -o or -O), the record order Slurm uses by default
 * ("P,t,-p": partition, compact state, priority), and the lines themselves.
 */
import { SLURM_SHORT_STATE } from '../../domain/job/job-state';
import { fitField } from './fit-field';
import { formatCtime } from './timestamp';
import { type PrintedJob, startOrExpected } from './printed-jobs';
import { type FormatToken, parseLongFormat, parsePrintfFormat } from './printf-format';
import { SQUEUE_CODES, SQUEUE_FIELDS, type SqueueContext } from './squeue-fields';

export interface SqueueLayout {
  tokens: FormatToken[];
  /** Codes in -o that squeue does not know (printed literally, reported on stderr as Slurm does). */
  unknownCodes: string[];
}

export function layoutFromFormat(format: string): SqueueLayout {
  return parsePrintfFormat(format, SQUEUE_CODES);
}

/** The field an -O name selects (case-insensitive; any name starting with "numtask" is NumTasks, as in Slurm). */
function longField(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('numtask')) return 'numtasks';
  return Object.keys(SQUEUE_FIELDS).find((c) => SQUEUE_FIELDS[c].longNames.some((n) => n.toLowerCase() === lower));
}

/** -O/--Format (parseLongFormat) with squeue's field names. */
export function layoutFromLongFormat(format: string): SqueueLayout {
  return parseLongFormat(format, longField);
}

/** Whether the layout prints a start time (`%S`, `StartTime`), which for a pending job is its estimate. */
export function layoutShowsStart(layout: SqueueLayout): boolean {
  return layout.tokens.some((t) => t.kind === 'field' && t.code === 'S');
}

export function layoutNeedsSpec(layout: SqueueLayout): boolean {
  return layout.tokens.some((t) => t.kind === 'field' && SQUEUE_FIELDS[t.code].needsSpec);
}

export function renderSqueueHeader(layout: SqueueLayout): string {
  return layout.tokens
    .map((t) => (t.kind === 'text' ? t.text : fitField(SQUEUE_FIELDS[t.code].header, t.width, t.rightJustify, SQUEUE_FIELDS[t.code].headerCut ?? true)))
    .join('');
}

export function renderSqueueLine(layout: SqueueLayout, r: PrintedJob, ctx: SqueueContext): string {
  return layout.tokens
    .map((t) => {
      if (t.kind === 'text') return t.text;
      const { text, cut } = SQUEUE_FIELDS[t.code].render(r, ctx);
      return fitField(text, t.width, t.rightJustify, cut);
    })
    .join('');
}

/** Held jobs have priority 0 in Slurm; otherwise the oldest job has the highest priority. */
const heldRank = (r: PrintedJob) => (r.state === 'HELD' || /^JobHeld/.test(r.reason ?? '') ? 1 : 0);

export function sortLikeSqueue(records: readonly PrintedJob[]): PrintedJob[] {
  const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...records].sort(
    (a, b) =>
      byString(a.job.partition, b.job.partition) ||
      byString(SLURM_SHORT_STATE[a.state], SLURM_SHORT_STATE[b.state]) ||
      heldRank(a) - heldRank(b) ||
      a.job.id - b.job.id ||
      (a.arrayIndex ?? a.taskSet?.[0] ?? -1) - (b.arrayIndex ?? b.taskSet?.[0] ?? -1),
  );
}

/** `squeue --start`'s `--sort=S`: increasing start (actual or expected), jobs without one last; ties as squeue sorts. */
export function sortByStart(records: readonly PrintedJob[]): PrintedJob[] {
  const at = (r: PrintedJob) => startOrExpected(r)?.getTime() ?? Number.POSITIVE_INFINITY;
  return sortLikeSqueue(records).sort((a, b) => at(a) - at(b));
}

/** The whole output: `squeue -l`'s date line and the header unless -h, then the sorted records. */
export function renderQueue(records: readonly PrintedJob[], layout: SqueueLayout, ctx: SqueueContext, opts: { header: boolean; long: boolean; byStart?: boolean }): string {
  const lines: string[] = [];
  if (opts.header) {
    if (opts.long) lines.push(formatCtime(ctx.now));
    lines.push(renderSqueueHeader(layout));
  }
  for (const r of opts.byStart ? sortByStart(records) : sortLikeSqueue(records)) lines.push(renderSqueueLine(layout, r, ctx));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
