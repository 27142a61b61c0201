/**
 * Megabytes the way Slurm's `convert_num_unit` prints them in exact mode: the largest unit that
 * divides the value (`2048` → `2G`, `4000` → `4000M`).
 */
const UNITS = ['M', 'G', 'T', 'P'];

export function formatMegabytes(mb: number): string {
  let value = mb;
  let unit = 0;
  while (value >= 1024 && value % 1024 === 0 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value}${UNITS[unit]}`;
}

/** The memory a JobSpec asks for (per node, per CPU or per GPU: Slurm shows the number either way). */
export function requestedMemoryMB(spec: Record<string, unknown> | undefined): number | null {
  if (!spec) return null;
  for (const key of ['memPerNodeMB', 'memPerCpuMB', 'memPerGpuMB']) {
    const v = spec[key];
    if (typeof v === 'number') return v;
  }
  return null;
}

export type MemoryUnit = 'K' | 'M' | 'G' | 'T' | 'P';
export const MEMORY_UNITS: readonly MemoryUnit[] = ['K', 'M', 'G', 'T', 'P'];

/**
 * sacct --units: megabytes in one unit, the way convert_num_unit2 prints a forced unit: a whole
 * number as is (`2G`), anything else with two decimals (`0.20G`).
 */
export function formatInUnit(mb: number, unit: MemoryUnit): string {
  const value = mb * 1024 ** (MEMORY_UNITS.indexOf('M') - MEMORY_UNITS.indexOf(unit));
  return Number.isInteger(value) ? `${value}${unit}` : `${value.toFixed(2)}${unit}`;
}
