import { MAX_MEMORY_MB } from '../domain/job';
import { SbatchError, detailValue, quoteValue } from './sbatch-error';
import { ValueError } from './value-error';

export const MEMORY_FORMS = 'a size in megabytes with an optional K, M, G or T suffix (e.g. 4000, 512M, 16G); 0 = all memory of the node';

const MULTIPLIER_MB: Record<string, number> = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** The grammar of --mem / --mem-per-cpu / --mem-per-gpu (Slurm's str_to_mbytes); throws ValueError. */
export function memoryValueMB(value: string): number {
  // sbatch also accepts a trailing B after the unit ("4GB") and a leading "+".
  const m = /^\+?(\d+)(?:([KMGTkmgt])[Bb]?)?$/.exec(value);
  if (!m) throw new ValueError(MEMORY_FORMS);
  if (m[1].length > 16) throw new ValueError(`at most ${MAX_MEMORY_MB} MB (1P)`, 'the size is far too large');
  const unit = (m[2] ?? '').toUpperCase();
  // Kilobytes round up to a whole megabyte, as Slurm does.
  const mb = unit === 'K' ? Math.ceil(Number(m[1]) / 1024) : Number(m[1]) * MULTIPLIER_MB[unit];
  if (mb > MAX_MEMORY_MB) throw new ValueError(`at most ${MAX_MEMORY_MB} MB (1024T)`, `${mb} MB exceeds the maximum`);
  return mb;
}

/** Slurm's memory size grammar, in whole megabytes; throws SbatchError naming the value and the forms. */
export function parseMemoryMB(s: string): number {
  try {
    return memoryValueMB(s);
  } catch (e) {
    if (e instanceof ValueError) {
      throw new SbatchError(`invalid memory size ${quoteValue(s)}: ${e.message}`, { value: detailValue(s), allowed: e.allowed });
    }
    throw e;
  }
}
