import { LONG_OPTIONS, OptionDef, SHORT_OPTIONS, optionLabel } from './option-table';
import { SbatchError, Source, describeSource, detailValue, quoteValue, sourceDetails } from './sbatch-error';

/** One word of a command line or of the #SBATCH directives, with where it came from. */
export interface Token {
  text: string;
  source: Source;
}

/** An option as found: its canonical definition, its value (null = none given) and its source. */
export interface Occurrence {
  def: OptionDef;
  value: string | null;
  source: Source;
}

export interface GetoptResult {
  occurrences: Occurrence[];
  /** Index of the first token that is not an option (the script, or a stray word); tokens.length if none. */
  restIndex: number;
  /** True when `--` ended the options (it is not part of the rest). */
  endedByDoubleDash: boolean;
}

/**
 * getopt_long as sbatch runs it (glibc, "+" = stop at the first non-option word): `--opt=v` and
 * `--opt v`, unambiguous long prefixes, `-Jname` and `-J name`, clustered flags (`-vQ`), optional
 * arguments only when attached (`--nice=5`, `-koff`), and `--` ending the options. A required
 * argument is taken from the next word whatever it looks like (`-J -p` names the job "-p").
 */
export function getopt(tokens: readonly Token[]): GetoptResult {
  const occurrences: Occurrence[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    const text = token.text;
    if (text === '--') return { occurrences, restIndex: i + 1, endedByDoubleDash: true };
    if (!text.startsWith('-') || text === '-') return { occurrences, restIndex: i, endedByDoubleDash: false };

    if (text.startsWith('--')) {
      const body = text.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const inline = eq < 0 ? null : body.slice(eq + 1);
      const def = matchLong(name, token);
      let value: string | null = inline;
      if (def.arg === 'none' && inline !== null) {
        throw new SbatchError(
          `option '--${def.name}' doesn't allow an argument (${describeSource(token.source)}): got ${quoteValue(inline)}; write --${def.name} alone`,
          { option: optionLabel(def.id), value: detailValue(inline), allowed: `--${def.name} without a value`, ...sourceDetails(token.source) },
        );
      }
      if (def.arg === 'required' && inline === null) {
        if (i + 1 >= tokens.length) {
          throw new SbatchError(
            `option '--${def.name}' requires an argument (${describeSource(token.source)}): give it as --${def.name}=<value> or --${def.name} <value>`,
            { option: optionLabel(def.id), allowed: `--${def.name}=<value>`, ...sourceDetails(token.source) },
          );
        }
        i += 1;
        value = tokens[i].text;
      }
      occurrences.push({ def, value, source: token.source });
      i += 1;
      continue;
    }

    const chars = [...text.slice(1)];
    for (let j = 0; j < chars.length; j++) {
      const letter = chars[j];
      const def = Object.prototype.hasOwnProperty.call(SHORT_OPTIONS, letter) ? SHORT_OPTIONS[letter] : undefined;
      if (!def) {
        throw new SbatchError(`invalid option -- '${letter}' (${describeSource(token.source)}): not an sbatch option`, {
          option: `-${letter}`,
          value: detailValue(text),
          allowed: 'an sbatch option (sbatch(1))',
          ...sourceDetails(token.source),
        });
      }
      if (def.arg === 'none') {
        occurrences.push({ def, value: null, source: token.source });
        continue;
      }
      const attached = chars.slice(j + 1).join('');
      let value: string | null = attached === '' ? null : attached;
      if (def.arg === 'required' && value === null) {
        if (i + 1 >= tokens.length) {
          throw new SbatchError(
            `option requires an argument -- '${letter}' (${describeSource(token.source)}): give it as -${letter}<value> or -${letter} <value>`,
            { option: optionLabel(def.id), allowed: `-${letter} <value>`, ...sourceDetails(token.source) },
          );
        }
        i += 1;
        value = tokens[i].text;
      }
      occurrences.push({ def, value, source: token.source });
      break;
    }
    i += 1;
  }
  return { occurrences, restIndex: tokens.length, endedByDoubleDash: false };
}

/** glibc's rule: an exact name wins; else a prefix must select one option (aliases of one option count once). */
function matchLong(name: string, token: Token): OptionDef {
  const exact = LONG_OPTIONS.find((d) => d.name === name);
  if (exact) return exact;
  const matches = LONG_OPTIONS.filter((d) => d.name.startsWith(name));
  if (matches.length === 0) {
    const hint = closestOption(name);
    throw new SbatchError(
      `unrecognized option '${token.text.length > 200 ? token.text.slice(0, 200) + '…' : token.text}' (${describeSource(token.source)}): not an sbatch option${hint ? `; did you mean '--${hint}'?` : ''}`,
      { option: `--${name}`, value: detailValue(token.text), allowed: 'an sbatch option (sbatch(1))', ...sourceDetails(token.source) },
    );
  }
  const first = matches[0];
  const candidates = matches.filter((d, k) => k === 0 || d.id !== first.id || d.arg !== first.arg);
  if (candidates.length > 1) {
    const list = candidates.map((d) => `'--${d.name}'`).join(' ');
    throw new SbatchError(`option '${token.text}' is ambiguous (${describeSource(token.source)}); possibilities: ${list}`, {
      option: `--${name}`,
      value: detailValue(token.text),
      allowed: candidates.map((d) => `--${d.name}`).join(', '),
      ...sourceDetails(token.source),
    });
  }
  return first;
}

/** A near miss of a real option name (a typo such as --partiton), or null. */
function closestOption(name: string): string | null {
  if (name.length < 3 || name.length > 40) return null;
  let best: string | null = null;
  // One typo in a short name, two in a longer one; anything looser suggests nonsense.
  let bestDistance = name.length < 6 ? 2 : 3;
  for (const def of LONG_OPTIONS) {
    const d = editDistance(name, def.name);
    if (d < bestDistance) {
      best = def.name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
