/**
 * Array indices written the way Slurm's `bit_fmt` writes a task bitmap: ascending, runs of two or
 * more as `a-b`, separated by commas (`1-3,5,7-9`).
 */
export function formatIndexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}
