import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration';
import { LISTEN_HINT, parseListenAddress } from './listen-address';

/** Value types shared by every part of the `proxy:` section (HTTP and SSH). */

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_HINT}; got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

export const address = z.string().transform((value, ctx) => {
  const parsed = parseListenAddress(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `${LISTEN_HINT}; got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed;
});

export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Check timing shared by pool members and SSH login nodes: HAProxy's inter/timeout/rise/fall. */
export const checkTimingFields = {
  interval: duration.prefault('2s'),
  timeout: duration.prefault('1s'),
  /** Consecutive good checks that bring a member back into rotation. */
  rise: int(1, 100).default(2),
  /** Consecutive failed checks that take a member out of rotation. */
  fall: int(1, 100).default(2),
};

export function refineCheckTiming(c: { interval: number; timeout: number }, ctx: z.RefinementCtx): void {
  if (c.interval < 100) ctx.addIssue({ code: 'custom', path: ['interval'], message: 'must be at least 100ms' });
  if (c.timeout < 10 || c.timeout > c.interval) {
    ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be between 10ms and the check interval' });
  }
}

