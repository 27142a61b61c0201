/**
 * squeue's and sinfo's `_print_str`: how one value fills a `%[.]N` column. Width 0 prints the value
 * as is. Left-justified values are cut to N and padded; right-justified ones are padded and, when the
 * column cuts, keep their first N characters (so a long id loses its tail, as in Slurm). Columns that
 * do not cut (times, node lists) overflow rather than lie.
 */
export function fitField(value: string, width: number, rightJustify: boolean, cut = true): string {
  if (width <= 0) return value;
  if (rightJustify) {
    const padded = value.padStart(width);
    return cut ? padded.slice(0, width) : padded;
  }
  return value.slice(0, width).padEnd(width);
}
