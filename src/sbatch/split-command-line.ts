import { Token, getopt } from './getopt';
import { COMMAND_LINE } from './sbatch-error';
import { checkArgvStrings, hetJobError, isHetJobSeparator } from './input-checks';

export interface SplitCommandLine {
  /** The options (with their values), everything before the script name; `--` is dropped. */
  optionArgs: string[];
  /** The first non-option word, or null when the script comes on stdin (or with --wrap). */
  scriptPath: string | null;
  /** Words after the script name, passed to the script as $1 … */
  scriptArgs: string[];
}

/**
 * Splits `sbatch [options] [script [args]]` the way sbatch's getopt does: options (with their
 * values) up to the first word that is not an option, which is the script; the rest are the
 * script's arguments. A malformed option is reported here, as sbatch would before reading anything.
 */
export function splitCommandLine(argv: string[]): SplitCommandLine {
  checkArgvStrings(argv, 'argv');
  const tokens: Token[] = argv.map((text) => ({ text, source: COMMAND_LINE }));
  const { restIndex, endedByDoubleDash } = getopt(tokens);
  const optionArgs = argv.slice(0, endedByDoubleDash ? restIndex - 1 : restIndex);
  const rest = argv.slice(restIndex);
  if (rest.length === 0) return { optionArgs, scriptPath: null, scriptArgs: [] };
  if (!endedByDoubleDash && isHetJobSeparator(rest[0])) throw hetJobError(rest[0], COMMAND_LINE);
  return { optionArgs, scriptPath: rest[0], scriptArgs: rest.slice(1) };
}

