/**
 * sacct's table and parsable output, after Slurm's src/common/print_fields.c: every fixed-width column
 * is followed by one space (even the last); -p ends every field with the delimiter, -P puts it only
 * between fields.
 */
import type { ChosenColumn, SacctContext, SacctOutputRow } from './sacct-fields';

export type SacctMode = { kind: 'table' } | { kind: 'parsable'; delimiter: string; trailing: boolean };

function fixed(value: string | null, width: number, kind: ChosenColumn['field']['kind']): string {
  const size = Math.abs(width);
  const right = width > 0;
  const justify = (s: string) => (right ? s.padStart(size) : s.padEnd(size));
  if (value === null) return `${justify(' ')} `;
  switch (kind) {
    case 'str':
      return `${justify(value.length > size ? `${value.slice(0, size - 1)}+` : value)} `;
    case 'date':
      return `${justify(value.slice(0, size))} `;
    default:
      return `${justify(value)} `;
  }
}

function joinParsable(values: string[], mode: Extract<SacctMode, { kind: 'parsable' }>): string {
  return mode.trailing ? values.map((v) => v + mode.delimiter).join('') : values.join(mode.delimiter);
}

export function renderSacctHeader(fields: readonly ChosenColumn[], mode: SacctMode): string[] {
  if (mode.kind === 'parsable') return [joinParsable(fields.map((f) => f.field.name), mode)];
  const names = fields.map(({ field, width }) => {
    const size = Math.abs(width);
    const name = field.name.slice(0, size);
    return `${width > 0 ? name.padStart(size) : name.padEnd(size)} `;
  });
  const dashes = fields.map(({ width }) => `${'-'.repeat(Math.abs(width))} `);
  return [names.join(''), dashes.join('')];
}

export function renderSacctRow(fields: readonly ChosenColumn[], row: SacctOutputRow, mode: SacctMode, ctx: SacctContext): string {
  const values = fields.map(({ field }) => (field.value ? field.value(row, ctx) : null));
  if (mode.kind === 'parsable') return joinParsable(values.map((v) => v ?? ''), mode);
  return values.map((v, i) => fixed(v, fields[i].width, fields[i].field.kind)).join('');
}
