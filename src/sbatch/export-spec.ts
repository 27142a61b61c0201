import type { ExportMode, ExportSpec } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED =
  'ALL, NONE or NIL, optionally followed by variables (ALL,NAME,NAME=value), or variables alone (NAME,NAME=value: only those plus SLURM_*); names are letters, digits and _';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits at commas outside single or double quotes; the quotes stay in the value, as in sbatch. */
function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const c of value) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (quote) throw new ValueError(ALLOWED, `unmatched ${quote}`);
  parts.push(current);
  return parts;
}

/**
 * --export (sbatch(1)): ALL (the default), NONE, NIL, or a variable list. A list without ALL
 * propagates only the named variables (plus SLURM_*), so "VAR=x" alone is NONE + VAR. NAME
 * without a value takes the submitter's value (null here). The last of a repeated name wins.
 */
export function parseExport(value: string): ExportSpec {
  const modes = new Set<ExportMode>();
  const entries: [string, string | null][] = [];
  for (const part of splitOutsideQuotes(value)) {
    if (part === '') continue;
    const upper = part.toUpperCase();
    if (upper === 'ALL' || upper === 'NONE' || upper === 'NIL') {
      modes.add(upper);
      continue;
    }
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (!NAME.test(name)) throw new ValueError(ALLOWED, `"${name}" is not an environment variable name`);
    entries.push([name, eq === -1 ? null : part.slice(eq + 1)]);
  }
  if (modes.size > 1) throw new ValueError(ALLOWED, `${[...modes].join(' and ')} contradict each other`);
  if (modes.size === 0 && entries.length === 0) throw new ValueError(ALLOWED, 'nothing to export');
  const mode: ExportMode = modes.size ? [...modes][0] : 'NONE';
  // fromEntries creates own properties, so even a variable named __proto__ stays a plain entry.
  const vars = Object.fromEntries(new Map(entries)) as Record<string, string | null>;
  return { mode, vars };
}
