import { MAX_TIME_MINUTES } from '../domain/job';
import { SbatchError, detailValue, quoteValue } from './sbatch-error';
import { ValueError } from './value-error';

export const TIME_LIMIT_FORMS = 'minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (0, -1, INFINITE or UNLIMITED for no limit)';

const FORMS: { pattern: RegExp; seconds: (p: number[]) => number }[] = [
  { pattern: /^(\d+)$/, seconds: ([m]) => m * 60 },
  { pattern: /^(\d+):(\d+)$/, seconds: ([m, s]) => m * 60 + s },
  { pattern: /^(\d+):(\d+):(\d+)$/, seconds: ([h, m, s]) => h * 3600 + m * 60 + s },
  // sbatch also takes "2-" (two days) and does not bound the fields (1:90 is 2 minutes 30 seconds).
  { pattern: /^(\d+)-(?:(\d+)(?::(\d+)(?::(\d+))?)?)?$/, seconds: ([d, h = 0, m = 0, s = 0]) => d * 86400 + h * 3600 + m * 60 + s },
];

/** Minutes in that grammar as H:MM:SS, hours unbounded ("2:00:00", "48:00:00"): timeValueMinutes reads it back unchanged. */
export function formatTimeValue(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:00`;
}

/** The grammar of --time / --time-min; throws ValueError. Returns minutes, -1 for no limit. */
export function timeValueMinutes(value: string): number {
  if (/^(-1|infinite|unlimited)$/i.test(value)) return -1;
  for (const form of FORMS) {
    const m = form.pattern.exec(value);
    if (!m) continue;
    const parts = m.slice(1).filter((p): p is string => p !== undefined);
    if (parts.some((p) => p.length > 12)) throw new ValueError(TIME_LIMIT_FORMS, 'the value is far beyond the 365-day maximum');
    const seconds = form.seconds(parts.map(Number));
    // Slurm's resolution is one minute: seconds round up; a total of zero means no limit.
    const minutes = Math.ceil(seconds / 60);
    if (minutes === 0) return -1;
    if (minutes > MAX_TIME_MINUTES) {
      throw new ValueError(`at most ${MAX_TIME_MINUTES / 1440}-00:00:00 (${MAX_TIME_MINUTES} minutes), or UNLIMITED`, `${minutes} minutes exceeds the maximum`);
    }
    return minutes;
  }
  throw new ValueError(TIME_LIMIT_FORMS);
}

/**
 * Slurm's time-limit grammar, in minutes (seconds round up), -1 for unlimited. Exported for the
 * site configuration (partition maxTime); throws SbatchError naming the value and the forms.
 */
export function parseTimeLimit(s: string): number {
  try {
    return timeValueMinutes(s);
  } catch (e) {
    if (e instanceof ValueError) {
      throw new SbatchError(`invalid time value ${quoteValue(s)}: ${e.message}`, { value: detailValue(s), allowed: e.allowed });
    }
    throw e;
  }
}
