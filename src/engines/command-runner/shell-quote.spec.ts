import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { quoteArg, quoteCommand } from './shell-quote';

/** What a real shell makes of a quoted line: the words it passes to the command, NUL-separated. */
function wordsThrough(shell: string, argv: string[]): string[] {
  const out = execFileSync(shell, ['-c', quoteCommand(['printf', '%s\\0', ...argv])], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

// Anything a user can type (and more): every code point but NUL, with shell metacharacters favoured.
const meta = fc.constantFrom("'", '"', '\\', '$', '`', '!', ';', '&', '|', '<', '>', '(', ')', '{', '}', '*', '?', '[', ']', '~', '#', '\n', '\t', ' ', '%', '=', '-');
const anyArg = fc.array(fc.oneof(meta, fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('').replace(/\0/g, ''));

describe('quoteCommand: the one place a command line crosses a shell', () => {
  it.each(['/bin/sh', '/bin/bash'])('no argument can break out of its word in %s', (shell) => {
    fc.assert(
      fc.property(fc.array(anyArg, { minLength: 1, maxLength: 5 }), (argv) => {
        expect(wordsThrough(shell, argv)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps plain words readable and quotes the rest', () => {
    expect(quoteCommand(['/usr/bin/squeue', '--noheader', '--Format=JobID:|'])).toBe("/usr/bin/squeue --noheader '--Format=JobID:|'");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('')).toBe("''");
  });

  it('refuses what no argv can carry', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
    expect(() => quoteCommand([])).toThrow(/empty/);
  });
});
