/**
 * Columns named in a `format=` list the way sacctmgr and sshare resolve them (Slurm's
 * src/sacctmgr/common.c _get_print_field, src/sshare/process.c): the first known field whose name
 * the word abbreviates (case-insensitive, at least its minimum length), an optional `%N` width
 * (positive = right-justified), and the header print_fields_header writes for them.
 */
import { type SacctMode, renderSacctHeader } from './sacct-render';

export interface PrintField {
  /** Names the word may abbreviate, each with the shortest abbreviation Slurm accepts (0 = any prefix, as in sshare). */
  abbrev: readonly (readonly [string, number])[];
  header: string;
  /** Default width; negative = left-justified. */
  width: number;
}

export interface ChosenPrintField {
  header: string;
  width: number;
}

export class UnknownPrintFieldError extends Error {
  constructor(readonly word: string) {
    super(`unknown field ${word}`);
  }
}

/** One `format=` list (`account%256,qos`) against a table; throws UnknownPrintFieldError for the first unknown word. */
export function choosePrintFields(list: string, table: readonly PrintField[]): ChosenPrintField[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const [word, width] = item.split('%');
      const lower = word.toLowerCase();
      const field = table.find((f) => f.abbrev.some(([name, min]) => lower.length >= min && name.toLowerCase().startsWith(lower)));
      if (!field) throw new UnknownPrintFieldError(word);
      const override = width === undefined ? 0 : Number.parseInt(width, 10) || 0;
      return { header: field.header, width: override || field.width };
    });
}

/** The header lines (names, then dashes; one `a|b` line when parsable). */
export function printFieldsHeader(fields: readonly ChosenPrintField[], mode: SacctMode): string[] {
  return renderSacctHeader(
    fields.map((f) => ({ field: { name: f.header, width: f.width, kind: 'str' as const }, width: f.width })),
    mode,
  );
}
