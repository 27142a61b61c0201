import { ValueError } from './value-error';

/** The resource limits Slurm can propagate (sbatch(1) --propagate). */
export const RLIMIT_NAMES = ['AS', 'CORE', 'CPU', 'DATA', 'FSIZE', 'MEMLOCK', 'NOFILE', 'NPROC', 'RSS', 'STACK'] as const;

const ALLOWED = `ALL, NONE, or a comma list of ${RLIMIT_NAMES.join(', ')} (upper case, as sbatch requires)`;

/** --propagate[=rlimit[,rlimit...]]: without a value (or empty) it means ALL. */
export function parsePropagate(value: string | null): string[] {
  if (value === null || value === '') return ['ALL'];
  const names = value.split(',');
  if (names.length === 1 && (names[0] === 'ALL' || names[0] === 'NONE')) return names;
  const bad = names.find((n) => !(RLIMIT_NAMES as readonly string[]).includes(n));
  if (bad !== undefined) throw new ValueError(ALLOWED, bad === 'ALL' || bad === 'NONE' ? `${bad} cannot be combined with other limits` : `bad rlimit name "${bad}"`);
  return [...new Set(names)];
}
