import type { JobSpecLimits } from '../domain/job';

/** The site limits the parser applies; the other bounds are the JobSpec contract's (src/domain/job/job-spec-limits.ts). */
export type ParseLimits = JobSpecLimits;

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = { maxArraySize: 1001, maxScriptBytes: 4 * 1024 * 1024 };

/** --begin / --deadline must land in years representable as plain ISO-8601. */
export const MIN_DATE_YEAR = 1970;
export const MAX_DATE_YEAR = 9999;
