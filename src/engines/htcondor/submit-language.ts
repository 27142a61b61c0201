/**
 * Writing values in HTCondor's submit language (condor_submit(1)). Everything the gateway writes goes
 * through here, so a user's text can never become a macro, a second command or a broken quote.
 */

/** Submit values are macro-expanded: a literal `$` is written as the predefined macro `$(DOLLAR)`. */
export function literal(text: string, what: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`${what} holds a line break, which a submit description cannot carry`);
  return text.replace(/\$/g, '$(DOLLAR)');
}

/** A ClassAd string literal: double quotes, with `\` and `"` escaped. */
export function classAdString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function classAdValue(value: string | number | boolean): string {
  if (typeof value === 'string') return classAdString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * One word of the "new" syntax of `arguments` and `environment`: whitespace or quotes need the word in
 * single quotes, a single quote inside is doubled, and a double quote anywhere is doubled.
 */
function quotedWord(word: string): string {
  const escaped = word.replace(/"/g, '""');
  return word === '' || /[\s']/.test(word) ? `'${escaped.replace(/'/g, "''")}'` : escaped;
}

/** `arguments` in the new syntax: `"a 'b c' d"`. */
export function argumentsValue(args: string[]): string {
  return `"${args.map((a) => literal(quotedWord(a), 'an argument')).join(' ')}"`;
}

/**
 * `environment` in the new syntax: `"NAME=value NAME2='has spaces'"`. A value may hold macros the
 * gateway wrote itself (`$CHOICE(Process,…)` for per-task ids); those are passed in `macros` unquoted.
 */
export function environmentValue(env: Record<string, string>, macros: Record<string, string> = {}): string {
  const pairs = Object.entries(env).map(([name, value]) => literal(`${name}=${quotedWord(value)}`, `environment variable ${name}`));
  for (const [name, macro] of Object.entries(macros)) pairs.push(`${name}=${macro}`);
  return `"${pairs.join(' ')}"`;
}

/** `$CHOICE(Process,a,b,…)`: item number $(Process) of a list, so each process of a cluster gets its own value. */
export function perProcess(values: string[], what: string): string {
  if (values.every((v) => v === values[0])) return literal(values[0], what);
  for (const v of values) if (/[,()\s$]/.test(v)) throw new Error(`${what} "${v}" differs per array task and holds ",", "(", ")", "$" or white space, which a $CHOICE list cannot carry`);
  return `$CHOICE(Process,${values.map((v) => literal(v, what)).join(',')})`;
}
