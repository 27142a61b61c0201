import { ValueError } from './value-error';

export const MAIL_TYPES = [
  'BEGIN',
  'END',
  'FAIL',
  'REQUEUE',
  'INVALID_DEPEND',
  'STAGE_OUT',
  'TIME_LIMIT',
  'TIME_LIMIT_90',
  'TIME_LIMIT_80',
  'TIME_LIMIT_50',
  'ARRAY_TASKS',
] as const;

/** What ALL stands for (sbatch(1)). */
export const MAIL_TYPE_ALL = ['BEGIN', 'END', 'FAIL', 'REQUEUE', 'INVALID_DEPEND', 'STAGE_OUT'];

const ALLOWED = `a comma list of NONE, ALL, ${MAIL_TYPES.join(', ')}`;

/**
 * --mail-type: case-insensitive names, ALL expanded. A list containing NONE asks for nothing
 * (sbatch: "END,NONE" is NONE). Returns the types this occurrence adds; repeated --mail-type
 * options accumulate, as they do in sbatch.
 */
export function parseMailType(value: string): string[] {
  const names = value.split(',').filter((n) => n !== '').map((n) => n.toUpperCase());
  if (names.length === 0) throw new ValueError(ALLOWED, 'no mail type given');
  const unknown = names.find((n) => n !== 'NONE' && n !== 'ALL' && !(MAIL_TYPES as readonly string[]).includes(n));
  if (unknown) throw new ValueError(ALLOWED, `"${unknown}" is not a mail type`);
  if (names.includes('NONE')) return [];
  return [...new Set(names.flatMap((n) => (n === 'ALL' ? MAIL_TYPE_ALL : [n])))];
}
