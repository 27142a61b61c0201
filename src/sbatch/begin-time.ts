import { MAX_DATE_YEAR, MIN_DATE_YEAR } from './sbatch-limits';
import { ValueError } from './value-error';

export const DATE_TIME_FORMS =
  'HH:MM[:SS] [AM|PM], MMDD[YY], MM/DD[/YY], MM.DD[.YY], MM/DD[/YY]-HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], now[+COUNT[seconds|minutes|hours|days|weeks]], today, tomorrow, midnight, noon, elevenses, fika or teatime';

const UNITS: [string, number][] = [
  ['seconds', 1],
  ['second', 1],
  ['minutes', 60],
  ['minute', 60],
  ['hours', 3600],
  ['hour', 3600],
  ['days', 86400],
  ['day', 86400],
  ['weeks', 604800],
  ['week', 604800],
];

const NAMED_TIMES: [string, number][] = [
  ['midnight', 0],
  ['noon', 12],
  ['elevenses', 11],
  ['fika', 15],
  ['teatime', 16],
];

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const startsWithWord = (s: string, at: number, word: string) => s.slice(at, at + word.length).toLowerCase() === word;

/** Fields being assembled, -1 = not given (Slurm's parse_time keeps the same sentinels). */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function invalid(problem: string | null = null): never {
  throw new ValueError(DATE_TIME_FORMS, problem);
}

/**
 * Slurm's parse_time (the --begin and --deadline grammar), resolved in the local time zone of
 * `now`: a time of day already past means tomorrow, a date already past this year means next year.
 * Words may be combined as in Slurm ("tomorrow-10:00", "16:00 tomorrow"). Unlike Slurm, an
 * impossible calendar date (2027-02-30) is refused instead of rolling over into March.
 */
export function parseDateTime(value: string, now: Date): Date {
  const uts = /^uts(\d+)$/i.exec(value);
  if (uts) {
    const seconds = Number(uts[1]);
    if (uts[1].length > 12 || seconds < 1_000_000) invalid('a uts timestamp must be a Unix time in seconds');
    return checkRange(new Date(seconds * 1000));
  }
  const nowSeconds = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const f: Fields = { year: -1, month: -1, day: -1, hour: -1, minute: -1, second: 0 };
  const setDate = (d: Date) => {
    f.year = d.getFullYear();
    f.month = d.getMonth();
    f.day = d.getDate();
  };

  let pos = 0;
  while (pos < value.length) {
    const c = value[pos];
    if (isBlank(c) || c === '-' || c === 'T') {
      pos += 1;
      continue;
    }
    if (startsWithWord(value, pos, 'today')) {
      setDate(nowSeconds);
      pos += 5;
      continue;
    }
    if (startsWithWord(value, pos, 'tomorrow')) {
      setDate(new Date(nowSeconds.getTime() + 86_400_000));
      pos += 8;
      continue;
    }
    const named = NAMED_TIMES.find(([word]) => startsWithWord(value, pos, word));
    if (named) {
      f.hour = named[1];
      f.minute = 0;
      f.second = 0;
      pos += named[0].length;
      continue;
    }
    if (startsWithWord(value, pos, 'now')) {
      pos = parseNow(value, pos + 3, nowSeconds, f);
      continue;
    }
    if (!isDigit(c)) invalid(`unexpected "${value.slice(pos, pos + 10)}"`);
    pos = value[pos + 1] === ':' || value[pos + 2] === ':' ? parseTimeOfDay(value, pos, f) : parseDate(value, pos, f);
  }
  return resolve(f, nowSeconds);
}

/** "now", then blanks, then optionally +COUNT[unit] or -COUNT[unit] (blanks allowed inside). */
function parseNow(value: string, pos: number, now: Date, f: Fields): number {
  let delta = 0;
  while (pos < value.length && isBlank(value[pos])) pos += 1;
  if (value[pos] === '+' || value[pos] === '-') {
    const sign = value[pos] === '-' ? -1 : 1;
    pos += 1;
    let count = 0;
    let digits = 0;
    let multiplier = 1;
    while (pos < value.length) {
      if (isBlank(value[pos])) {
        pos += 1;
        continue;
      }
      const unit = UNITS.find(([name]) => startsWithWord(value, pos, name));
      if (unit) {
        multiplier = unit[1];
        pos += unit[0].length;
        break;
      }
      if (!isDigit(value[pos])) invalid(`"${value.slice(pos)}" is not a count of seconds, minutes, hours, days or weeks`);
      count = count * 10 + Number(value[pos]);
      digits += 1;
      if (digits > 12) invalid('the offset from now is too large');
      pos += 1;
    }
    if (digits === 0) invalid('now+ needs a count, e.g. now+1hour or now+60 (seconds)');
    delta = sign * count * multiplier;
  } else if (pos < value.length) {
    invalid(`unexpected "${value.slice(pos, pos + 10)}" after now`);
  }
  const later = new Date(now.getTime() + delta * 1000);
  if (Number.isNaN(later.getTime())) invalid('the offset from now is too large');
  f.year = later.getFullYear();
  f.month = later.getMonth();
  f.day = later.getDate();
  f.hour = later.getHours();
  f.minute = later.getMinutes();
  f.second = later.getSeconds();
  return pos;
}

/** HH:MM[:SS] [AM|PM]: hour 1-2 digits (0-23), minutes and seconds exactly 2 digits (0-59). */
function parseTimeOfDay(value: string, pos: number, f: Fields): number {
  let hour = Number(value[pos++]);
  if (value[pos] !== ':') {
    if (!isDigit(value[pos])) invalid();
    hour = hour * 10 + Number(value[pos++]);
  }
  if (hour > 23) invalid(`hour ${hour} is not 0-23`);
  if (value[pos] !== ':') invalid();
  pos += 1;
  const twoDigits = (what: string): number => {
    if (!isDigit(value[pos]) || !isDigit(value[pos + 1])) invalid(`${what} must be two digits`);
    const n = Number(value.slice(pos, pos + 2));
    if (n > 59) invalid(`${what} ${n} is not 0-59`);
    pos += 2;
    return n;
  };
  const minute = twoDigits('minutes');
  const second = value[pos] === ':' ? (pos++, twoDigits('seconds')) : 0;
  let after = pos;
  while (isBlank(value[after])) after += 1;
  const suffix = value.slice(after, after + 2).toLowerCase();
  if (suffix === 'pm') {
    hour += 12;
    if (hour > 24) invalid(`${hour - 12}:${String(minute).padStart(2, '0')} PM is not a time`);
    if (hour === 24) hour = 12;
    pos = after + 2;
  } else if (suffix === 'am') {
    if (hour > 12) invalid(`${hour}:${String(minute).padStart(2, '0')} AM is not a time`);
    if (hour === 12) hour = 0;
    pos = after + 2;
  }
  f.hour = hour;
  f.minute = minute;
  f.second = second;
  return pos;
}

/** YYYY-MM-DD, or MM[/.]DD[[/.]YY] / MMDD[YY] (two-digit years are 20YY). */
function parseDate(value: string, pos: number, f: Fields): number {
  const oneOrTwoDigits = (): number => {
    if (!isDigit(value[pos])) invalid();
    let n = Number(value[pos++]);
    if (isDigit(value[pos])) n = n * 10 + Number(value[pos++]);
    return n;
  };
  if (value.length >= pos + 7 && value[pos + 4] === '-' && value[pos + 7] === '-') {
    const year = value.slice(pos, pos + 4);
    if (!/^\d{4}$/.test(year)) invalid();
    pos += 5;
    const month = oneOrTwoDigits();
    if (month < 1 || month > 12) invalid(`month ${month} is not 1-12`);
    pos += 1;
    const day = oneOrTwoDigits();
    if (day < 1 || day > 31) invalid(`day ${day} is not 1-31`);
    f.year = Number(year);
    f.month = month - 1;
    f.day = day;
    return pos;
  }
  const month = oneOrTwoDigits();
  if (month < 1 || month > 12) invalid(`month ${month} is not 1-12`);
  if (value[pos] === '.' || value[pos] === '/') pos += 1;
  const day = oneOrTwoDigits();
  if (day < 1 || day > 31) invalid(`day ${day} is not 1-31`);
  if (value[pos] === '.' || value[pos] === '/') pos += 1;
  if (isDigit(value[pos])) {
    if (!isDigit(value[pos + 1])) invalid('the year must be two digits (YY)');
    f.year = 2000 + Number(value.slice(pos, pos + 2));
    pos += 2;
  }
  f.month = month - 1;
  f.day = day;
  return pos;
}

function resolve(f: Fields, now: Date): Date {
  if (f.hour === -1 && f.month === -1) invalid('no date or time given');
  if (f.hour === -1) {
    f.hour = 0;
    f.minute = 0;
  } else if (f.month === -1) {
    const later = f.hour > now.getHours() || (f.hour === now.getHours() && f.minute > now.getMinutes());
    const day = later ? now : new Date(now.getTime() + 86_400_000);
    f.year = day.getFullYear();
    f.month = day.getMonth();
    f.day = day.getDate();
  }
  if (f.year === -1) {
    const key = (m: number, d: number, h: number, min: number) => ((m * 32 + d) * 24 + h) * 60 + min;
    const thisYear = key(f.month, f.day, f.hour, f.minute) > key(now.getMonth(), now.getDate(), now.getHours(), now.getMinutes());
    f.year = now.getFullYear() + (thisYear ? 0 : 1);
  }
  if (f.year < MIN_DATE_YEAR || f.year > MAX_DATE_YEAR) invalid(`the time must fall between the years ${MIN_DATE_YEAR} and ${MAX_DATE_YEAR}`);
  // setFullYear, because the Date constructor maps years 0-99 to 1900-1999.
  const date = new Date(2000, 0, 1);
  date.setFullYear(f.year, f.month, f.day);
  date.setHours(f.hour, f.minute, f.second, 0);
  if (date.getFullYear() !== f.year || date.getMonth() !== f.month || date.getDate() !== f.day) {
    invalid(`${f.year}-${String(f.month + 1).padStart(2, '0')}-${String(f.day).padStart(2, '0')} is not a calendar date`);
  }
  return checkRange(date);
}

function checkRange(date: Date): Date {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < MIN_DATE_YEAR || year > MAX_DATE_YEAR) invalid(`the time must fall between the years ${MIN_DATE_YEAR} and ${MAX_DATE_YEAR}`);
  return date;
}
