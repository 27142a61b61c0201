import { MAIL_TYPES, type MailType } from '../domain/job';
import { ValueError } from './value-error';

/** What ALL stands for (sbatch(1)). */
export const MAIL_TYPE_ALL: readonly MailType[] = ['BEGIN', 'END', 'FAIL', 'REQUEUE', 'INVALID_DEPEND', 'STAGE_OUT'];

const isMailType = (name: string): name is MailType => (MAIL_TYPES as readonly string[]).includes(name);

const ALLOWED = `a comma list of NONE, ALL, ${MAIL_TYPES.join(', ')}`;

/**
 * --mail-type: case-insensitive names, ALL expanded. A list containing NONE asks for nothing
 * (sbatch: "END,NONE" is NONE). Returns the types this occurrence adds; repeated --mail-type
 * options accumulate, as they do in sbatch.
 */
export function parseMailType(value: string): MailType[] {
  const names = value.split(',').filter((n) => n !== '').map((n) => n.toUpperCase());
  if (names.length === 0) throw new ValueError(ALLOWED, 'no mail type given');
  const unknown = names.find((n) => n !== 'NONE' && n !== 'ALL' && !isMailType(n));
  if (unknown) throw new ValueError(ALLOWED, `"${unknown}" is not a mail type`);
  if (names.includes('NONE')) return [];
  return [...new Set(names.flatMap((n) => (n === 'ALL' ? MAIL_TYPE_ALL : isMailType(n) ? [n] : [])))];
}
