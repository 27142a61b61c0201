import type { Token } from './getopt';
import { SbatchError } from './sbatch-error';
import { isCSpace } from './script-checks';

export interface DirectiveScan {
  /** The words of all directive lines, in order, each with its line number. */
  tokens: Token[];
  warnings: string[];
}

const SBATCH = '#SBATCH';
const SLURM = '#SLURM';

/**
 * Reads the `#SBATCH` directives as sbatch does: from the top until the first line that is
 * neither blank nor a comment. The magic word must start the line; everything after it is split
 * into words (see tokenizeDirective). Words from all lines form one argument list, so an option
 * at the end of a line takes its value from the next directive line, exactly as in sbatch.
 */
export function scanDirectives(script: string): DirectiveScan {
  const tokens: Token[] = [];
  const warnings: string[] = [];
  let start = 0;
  let line = 0;
  while (start <= script.length) {
    const end = script.indexOf('\n', start);
    const text = script.slice(start, end === -1 ? script.length : end);
    line += 1;
    let rest: string | null = null;
    if (text.startsWith(SBATCH)) rest = text.slice(SBATCH.length);
    else if (text.startsWith(SLURM)) {
      rest = text.slice(SLURM.length);
      if (!warnings.some((w) => w.startsWith('Change from #SLURM'))) {
        warnings.push(`Change from #SLURM to #SBATCH in your script and verify the options are valid in sbatch (script line ${line})`);
      }
    } else if (!isBlankOrComment(text)) break;
    if (rest !== null) for (const word of tokenizeDirective(rest, line, text)) tokens.push({ text: word, source: { kind: 'script', line } });
    if (end === -1) break;
    start = end + 1;
  }
  return { tokens, warnings };
}

function isBlankOrComment(text: string): boolean {
  for (const c of text) {
    if (isCSpace(c)) continue;
    return c === '#';
  }
  return true;
}

/**
 * Slurm's directive word splitter (sbatch opt.c): whitespace separates words; single and double
 * quotes group (and are removed); a backslash makes the next character literal, even inside
 * quotes, but cannot join words across whitespace; an unquoted `#` ends the directive. A word that
 * comes out empty (`""`) also ends the line, as in sbatch. No shell expansion of any kind.
 */
export function tokenizeDirective(rest: string, line: number, wholeLine: string): string[] {
  const words: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < rest.length && isCSpace(rest[pos])) pos += 1;
    if (pos >= rest.length) return words;
    let word = '';
    let quote: string | null = null;
    let escaped = false;
    let hitComment = false;
    while (pos < rest.length) {
      const c = rest[pos];
      if (quote === null && isCSpace(c)) break;
      pos += 1;
      if (escaped) {
        escaped = false;
        word += c;
      } else if (c === '\\') {
        escaped = true;
      } else if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '#') {
        hitComment = true;
        break;
      } else {
        word += c;
      }
    }
    if (quote !== null) {
      throw new SbatchError(
        `Unmatched \`${quote}\` in #SBATCH directive (script line ${line}): [${wholeLine.length > 200 ? wholeLine.slice(0, 200) + '…' : wholeLine}]; close the quote or escape it with a backslash`,
        { line, source: `script line ${line}`, value: wholeLine.slice(0, 1000), allowed: 'balanced single or double quotes' },
      );
    }
    if (word === '') return words;
    words.push(word);
    if (hitComment) return words;
  }
}
