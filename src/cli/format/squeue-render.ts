/**
 * squeue's output: the layout (from -o or -O), the record order Slurm uses by default
 * ("P,t,-p": partition, compact state, priority), and the lines themselves.
 */
import { SLURM_SHORT_STATE } from '../../domain/job/job-state';
import { fitField } from './fit-field';
import { formatCtime } from './timestamp';
import type { PrintedJob } from './printed-jobs';
import { type FormatToken, parsePrintfFormat } from './printf-format';
import { SQUEUE_CODES, SQUEUE_FIELDS, type SqueueContext } from './squeue-fields';

export class SqueueFormatError extends Error {}

export interface SqueueLayout {
  tokens: FormatToken[];
  /** Codes in -o that squeue does not know (printed literally, reported on stderr as Slurm does). */
  unknownCodes: string[];
}

export function layoutFromFormat(format: string): SqueueLayout {
  return parsePrintfFormat(format, SQUEUE_CODES);
}

/**
 * -O/--Format: `name[:[.][size][suffix]]` items separated by commas; 20 columns unless a size is given,
 * no separator between columns (a suffix supplies one).
 */
export function layoutFromLongFormat(format: string): SqueueLayout {
  const tokens: FormatToken[] = [];
  for (const item of format.split(',').filter((s) => s.trim() !== '')) {
    const [name, modifier = ''] = splitOnce(item.trim(), ':');
    const code = Object.keys(SQUEUE_FIELDS).find((c) => SQUEUE_FIELDS[c].longNames.some((n) => n.toLowerCase() === name.toLowerCase()));
    if (!code) {
      const known = [...new Set(Object.values(SQUEUE_FIELDS).flatMap((f) => f.longNames))].join(', ');
      throw new SqueueFormatError(`Invalid job format specification: ${name} (supported: ${known})`);
    }
    const m = /^(\.?)(\d*)(.*)$/.exec(modifier)!;
    tokens.push({ kind: 'field', code, width: m[2] ? Number(m[2]) : 20, rightJustify: m[1] === '.' });
    if (m[3]) tokens.push({ kind: 'text', text: m[3] });
  }
  return { tokens, unknownCodes: [] };
}

function splitOnce(s: string, sep: string): [string, string?] {
  const at = s.indexOf(sep);
  return at === -1 ? [s] : [s.slice(0, at), s.slice(at + 1)];
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

/** The whole output: `squeue -l`'s date line and the header unless -h, then the sorted records. */
export function renderQueue(records: readonly PrintedJob[], layout: SqueueLayout, ctx: SqueueContext, opts: { header: boolean; long: boolean }): string {
  const lines: string[] = [];
  if (opts.header) {
    if (opts.long) lines.push(formatCtime(ctx.now));
    lines.push(renderSqueueHeader(layout));
  }
  for (const r of sortLikeSqueue(records)) lines.push(renderSqueueLine(layout, r, ctx));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
