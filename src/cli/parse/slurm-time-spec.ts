/**
 * The time forms sacct takes for -S/--starttime and -E/--endtime (Slurm's parse_time with `past` set):
 * a date without a year that lies in the future means last year's, since accounting looks back.
 * All forms are local time.
 */

export const TIME_SPEC_FORMS =
  'HH:MM[:SS][AM|PM], MMDD[YY][-HH:MM[:SS]], MM.DD[.YY][-HH:MM[:SS]], MM/DD[/YY][-HH:MM[:SS]], ' +
  'YYYY-MM-DD[THH:MM[:SS]], today, midnight, noon, elevenses, fika, teatime, ' +
  'now[{+|-}count[seconds|minutes|hours|days|weeks]]';

export class TimeSpecError extends Error {
  constructor(readonly value: string) {
    super(`invalid time "${value}": expected ${TIME_SPEC_FORMS}`);
  }
}

const NAMED_HOURS: Record<string, number> = { midnight: 0, today: 0, elevenses: 11, noon: 12, fika: 15, teatime: 16 };

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hours?)$/, 3600],
  [/^(d|days?)$/, 86_400],
  [/^(w|weeks?)$/, 604_800],
];

function atTime(base: Date, h: number, m: number, s: number): Date {
  return new Date(base.getFullYear(), base.getMonth(), base.getDate(), h, m, s);
}

/** `HH:MM[:SS]` with an optional AM/PM; null when the text is not a clock time. */
function parseClock(text: string): [number, number, number] | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text);
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (m[4]) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (m[4].toLowerCase() === 'pm' ? 12 : 0);
  }
  if (h > 23 || min > 59 || s > 59) return null;
  return [h, min, s];
}

function buildDate(year: number, month: number, day: number, clock: [number, number, number]): Date | null {
  const d = new Date(year, month - 1, day, ...clock);
  // Reject 02-31 and friends instead of letting Date roll them into the next month.
  if (d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day) return null;
  return d;
}

export function parseSlurmTime(value: string, now: Date): Date {
  const text = value.trim();
  const lower = text.toLowerCase();
  const fail = () => new TimeSpecError(value);

  const relative = /^now(?:([+-])(\d+)([a-z]*))?$/.exec(lower);
  if (relative) {
    if (!relative[1]) return new Date(now);
    const unit = relative[3] === '' ? 1 : UNIT_SECONDS.find(([re]) => re.test(relative[3]))?.[1];
    if (unit === undefined) throw fail();
    const delta = Number(relative[2]) * unit * 1000;
    return new Date(now.getTime() + (relative[1] === '+' ? delta : -delta));
  }
  if (lower in NAMED_HOURS) return atTime(now, NAMED_HOURS[lower], 0, 0);

  const clockOnly = parseClock(text);
  if (clockOnly) return atTime(now, ...clockOnly);

  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T-](.+))?$/.exec(text);
  if (iso) {
    const clock = iso[4] === undefined ? ([0, 0, 0] as [number, number, number]) : parseClock(iso[4]);
    const date = clock && buildDate(Number(iso[1]), Number(iso[2]), Number(iso[3]), clock);
    if (!date) throw fail();
    return date;
  }

  const short =
    /^(\d{2})(\d{2})(\d{2})?(?:-(.+))?$/.exec(text) ??
    /^(\d{1,2})\.(\d{1,2})(?:\.(\d{2}))?(?:-(.+))?$/.exec(text) ??
    /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2}))?(?:-(.+))?$/.exec(text);
  if (short) {
    const clock = short[4] === undefined ? ([0, 0, 0] as [number, number, number]) : parseClock(short[4]);
    if (!clock) throw fail();
    const month = Number(short[1]);
    const day = Number(short[2]);
    if (short[3] !== undefined) {
      const date = buildDate(2000 + Number(short[3]), month, day, clock);
      if (!date) throw fail();
      return date;
    }
    const thisYear = buildDate(now.getFullYear(), month, day, clock);
    if (thisYear && thisYear.getTime() <= now.getTime()) return thisYear;
    const lastYear = buildDate(now.getFullYear() - 1, month, day, clock);
    if (!lastYear) throw fail();
    return lastYear;
  }
  throw fail();
}

export function startOfDay(now: Date): Date {
  return atTime(now, 0, 0, 0);
}
