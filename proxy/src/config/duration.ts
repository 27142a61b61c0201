/**
 * Durations in the site configuration are written with a unit ("500ms", "2s", "1m", "1h"), as in
 * DESIGN.md §8, so a reader never has to guess whether a bare number means seconds or milliseconds.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

export const DURATION_HINT = 'a duration with a unit, like 500ms, 2s, 1m or 1h (0 turns it off)';

/** Milliseconds for "500ms" / "2s" / "1.5m" / "1h"; `0` (number or string) is zero. Null when malformed. */
export function parseDuration(value: string | number): number | null {
  if (value === 0 || value === '0') return 0;
  if (typeof value !== 'string') return null;
  const m = DURATION.exec(value.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}

/** The shortest exact spelling of a millisecond count, for messages and the status page. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
