/**
 * The one place a command line crosses a shell (SSH exec hands a string to the remote login shell).
 * Every argument becomes one POSIX single-quoted word: inside single quotes nothing is special but
 * the closing quote, which is written as '\''. NUL cannot be passed in an argv at all, so it is refused.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument cannot contain a NUL byte');
  if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteCommand(argv: string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}
