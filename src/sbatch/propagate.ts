import { RLIMIT_NAMES, type PropagateName } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED = `ALL, NONE, or a comma list of ${RLIMIT_NAMES.join(', ')} (upper case, as sbatch requires)`;

const isRlimit = (name: string): name is (typeof RLIMIT_NAMES)[number] => (RLIMIT_NAMES as readonly string[]).includes(name);

/** --propagate[=rlimit[,rlimit...]]: without a value (or empty) it means ALL. */
export function parsePropagate(value: string | null): PropagateName[] {
  if (value === null || value === '' || value === 'ALL') return ['ALL'];
  if (value === 'NONE') return ['NONE'];
  const names = value.split(',');
  const bad = names.find((n) => !isRlimit(n));
  if (bad !== undefined) throw new ValueError(ALLOWED, bad === 'ALL' || bad === 'NONE' ? `${bad} cannot be combined with other limits` : `bad rlimit name "${bad}"`);
  return [...new Set(names.filter(isRlimit))];
}
