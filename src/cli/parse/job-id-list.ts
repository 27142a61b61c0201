/**
 * Job id lists as squeue -j, sacct -j, scancel and scontrol take them: `12`, `12_3` (one array task),
 * `12_[1-3,7]` (several tasks), `12.batch` (sacct's batch step), comma-separated for the list forms.
 */

export interface JobSelector {
  jobId: number;
  /** null = the whole job (or, for a task's own id, that task). */
  arrayIndices: number[] | null;
  /** `batch` for `N.batch`; other step ids are kept so callers can refuse or ignore them. */
  step: string | null;
  /** The text as given, for messages. */
  text: string;
}

export class JobIdSyntaxError extends Error {
  constructor(readonly text: string, detail: string) {
    super(`invalid job id "${text}": ${detail}`);
  }
}

const MAX_ID = 2 ** 31 - 1;
const ALLOWED = 'expected N, N_M, N_[M-K,…] or N.batch with non-negative integers';

function parseId(text: string, whole: string): number {
  if (!/^\d+$/.test(text)) throw new JobIdSyntaxError(whole, ALLOWED);
  const n = Number(text);
  if (n > MAX_ID) throw new JobIdSyntaxError(whole, `${text} is larger than ${MAX_ID}`);
  return n;
}

/** `1-3,7,10-12:2` inside brackets: ranges with an optional step. */
function parseIndexList(body: string, whole: string): number[] {
  const out = new Set<number>();
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new JobIdSyntaxError(whole, `array index list "${body}" must be N, N-M or N-M:S items separated by commas`);
    const first = parseId(m[1], whole);
    const last = m[2] === undefined ? first : parseId(m[2], whole);
    const step = m[3] === undefined ? 1 : parseId(m[3], whole);
    if (last < first) throw new JobIdSyntaxError(whole, `range ${part} runs backwards`);
    if (step === 0) throw new JobIdSyntaxError(whole, `range ${part} has step 0`);
    if ((last - first) / step > 1_000_000) throw new JobIdSyntaxError(whole, `range ${part} names more than a million tasks`);
    for (let i = first; i <= last; i += step) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

export function parseJobSelector(text: string): JobSelector {
  const m = /^(\d+)(?:_(\d+|\[[^\]]*\]))?(?:\.([A-Za-z0-9]+))?$/.exec(text.trim());
  if (!m) throw new JobIdSyntaxError(text, ALLOWED);
  const jobId = parseId(m[1], text);
  let arrayIndices: number[] | null = null;
  if (m[2] !== undefined) {
    arrayIndices = m[2].startsWith('[') ? parseIndexList(m[2].slice(1, -1), text) : [parseId(m[2], text)];
  }
  return { jobId, arrayIndices, step: m[3] ?? null, text: text.trim() };
}

/**
 * A comma list where brackets may themselves hold commas: `1,2_3,4_[1-3,5]`. Empty items are skipped,
 * as Slurm's own list splitting does.
 */
export function parseJobIdList(list: string): JobSelector[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.filter((s) => s.trim() !== '').map(parseJobSelector);
}

/** Whether a record (job id, task index, own raw id) is named by any selector; no selectors = all. */
export function matchesSelectors(
  selectors: readonly JobSelector[],
  record: { jobId: number; arrayIndex: number | null; rawId: number },
): boolean {
  if (selectors.length === 0) return true;
  return selectors.some((s) => {
    if (s.arrayIndices === null) return s.jobId === record.jobId || s.jobId === record.rawId;
    return s.jobId === record.jobId && record.arrayIndex !== null && s.arrayIndices.includes(record.arrayIndex);
  });
}
