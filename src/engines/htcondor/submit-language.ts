/**
 * Writing values in HTCondor's submit language (condor_submit(1)). Everything the gateway writes goes
 * through here, so a user's text can never become a macro, a second command or a broken quote.
 */

/**
 * Submit values are expanded twice (htcondor-jdl(5), "Macros"): condor_submit expands `$(NAME)` and
 * `$NAME(…)` when it reads the description, then the schedd expands `$$(NAME)` against the matched
 * machine's ClassAd. Both read a run of `$` two at a time from its start, so text reaches the job as
 * written when:
 * - a lone `$` followed by a name (or nothing) and `(` — what condor_submit would take for a macro — is
 *   written `$(DOLLAR)`;
 * - the last `$$` of an even run of `$` before `(` — what the schedd would take for a match-time macro —
 *   is written `$$(DOLLARDOLLAR)`, the manual's form for a literal `$$`;
 * - every other `$` stays as it is: neither reads it. (`$(DOLLAR)$(DOLLAR)` for `$$` does not work:
 *   once the first is replaced, condor_submit reads `$$(DOLLAR)` as a match-time macro and leaves it.)
 */
export function literal(text: string, what: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`${what} holds a line break, which a submit description cannot carry`);
  let out = '';
  const escaped: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '$') {
      out += text[i++];
      continue;
    }
    let n = 0;
    while (text[i + n] === '$') n++;
    const after = text.slice(i + n);
    if (n % 2 === 0) out += after.startsWith('(') ? `${'$'.repeat(n - 2)}$$(DOLLARDOLLAR)` : '$'.repeat(n);
    else if (/^[A-Za-z0-9_]*\(/.test(after)) {
      out += `${'$'.repeat(n - 1)}$(DOLLAR)`;
      escaped.push(i + n - 1);
    } else out += '$'.repeat(n);
    i += n;
  }
  checkRescan(text, escaped, what);
  return out;
}

/**
 * condor_submit replaces `$(DOLLAR)` one at a time, reading the value again from its start each time: a
 * replaced `$` then starts a macro of its own, whose body must not swallow the next `$(DOLLAR)` (a body
 * runs to its `)`, and after a `:` may hold `$`, `(…)` and spaces) nor be DOLLAR itself.
 */
function checkRescan(text: string, escaped: number[], what: string): void {
  escaped.forEach((at, k) => {
    const body = text.indexOf('(', at) + 1;
    const close = text.indexOf(')', body);
    const next = escaped[k + 1];
    const swallows = next !== undefined && (close === -1 || close > next || text.slice(body, next).includes(':'));
    const again = text[at + 1] === '(' && close !== -1 && text.slice(body, close).toUpperCase() === 'DOLLAR';
    if (swallows || again) {
      const end = next !== undefined ? Math.min(text.length, next + 2) : close + 1;
      throw new Error(`${what} holds "${text.slice(at, end)}", which condor_submit's macro expansion would change however it is written: rewrite that part`);
    }
  });
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
