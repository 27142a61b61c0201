import type { ParseLimits } from './sbatch-limits';
import { SbatchError } from './sbatch-error';

/** C's isspace(): what sbatch treats as blank in a script. */
export const isCSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

function lineOf(script: string, index: number): number {
  let line = 1;
  for (let i = script.indexOf('\n'); i !== -1 && i < index; i = script.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** A lone UTF-16 surrogate is how invalid UTF-8 survives decoding into a JS string. */
function firstLoneSurrogate(s: string): number {
  const wellFormed = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (wellFormed && wellFormed.call(s)) return -1;
  const match = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(s);
  return match ? match.index : -1;
}

const scriptError = (message: string, allowed: string, line?: number) =>
  new SbatchError(message, { field: 'script', allowed, ...(line ? { line, source: `script line ${line}` } : {}) });

/**
 * The checks sbatch makes on a script body before reading its directives (same wording where
 * sbatch has one), plus the gateway's size and encoding limits.
 */
export function checkScript(script: string, limits: ParseLimits): void {
  const bytes = Buffer.byteLength(script, 'utf8');
  if (bytes > limits.maxScriptBytes) {
    throw scriptError(
      `the batch script is ${bytes} bytes; this gateway accepts at most ${limits.maxScriptBytes} bytes`,
      `at most ${limits.maxScriptBytes} bytes (UTF-8)`,
    );
  }
  const nul = script.indexOf('\0');
  if (nul !== -1) {
    const line = lineOf(script, nul);
    throw scriptError(
      `the batch script contains a NULL character '\\0' (script line ${line}); Slurm does not allow scripts that contain one`,
      'a text script without NUL characters',
      line,
    );
  }
  const surrogate = firstLoneSurrogate(script);
  if (surrogate !== -1) {
    const line = lineOf(script, surrogate);
    throw scriptError(`the batch script is not valid UTF-8 (script line ${line}); save it as UTF-8 text`, 'UTF-8 text', line);
  }
  if (script.length === 0) throw scriptError('Batch script is empty!', 'a script starting with #! and an interpreter');
  if (/^[ \t\n\v\f\r]*$/.test(script)) throw scriptError('Batch script contains only whitespace!', 'a script starting with #! and an interpreter');
  if (!script.startsWith('#!')) {
    throw scriptError(
      'This does not look like a batch script. The first line must start with #! followed by the path to an interpreter. For instance: #!/bin/sh',
      'a first line such as #!/bin/sh',
      1,
    );
  }
  const dos = script.indexOf('\r\n');
  if (dos !== -1) {
    const line = lineOf(script, dos);
    throw scriptError(
      `Batch script contains DOS line breaks (\\r\\n) instead of expected UNIX line breaks (\\n) (first at script line ${line}); convert it, e.g. with dos2unix`,
      'UNIX line breaks (\\n)',
      line,
    );
  }
}
