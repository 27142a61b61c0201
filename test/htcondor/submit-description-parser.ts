/**
 * A strict reader of HTCondor's submit language (condor_submit(1), "Submit Description File
 * Commands"), for tests: every description the gateway generates must pass it. Stricter than
 * condor_submit on purpose: an unknown command, a repeated command, a malformed value of the commands
 * the gateway writes, an unknown macro or a queue statement that is not the one last statement fails.
 */

/** Submit commands as HTCondor's manual defines them (lower case; the language is case-insensitive). */
const COMMANDS = new Set([
  'universe', 'executable', 'arguments', 'environment', 'getenv', 'initialdir', 'input', 'output', 'error', 'log',
  'log_xml', 'notification', 'notify_user', 'batch_name', 'request_cpus', 'request_memory', 'request_disk', 'request_gpus',
  'require_gpus', 'gpus_minimum_capability', 'gpus_minimum_memory', 'requirements', 'rank', 'container_image',
  'docker_image', 'should_transfer_files', 'when_to_transfer_output', 'transfer_executable', 'transfer_input_files',
  'transfer_output_files', 'stream_output', 'stream_error', 'allowed_execute_duration', 'allowed_job_duration',
  'periodic_remove', 'periodic_hold', 'periodic_release', 'on_exit_remove', 'on_exit_hold', 'max_retries',
  'retry_until', 'success_exit_code', 'hold', 'deferral_time', 'deferral_window', 'deferral_prep_time',
  'max_materialize', 'max_idle', 'priority', 'accounting_group', 'accounting_group_user', 'job_max_vacate_time',
  'kill_sig', 'nice_user', 'leave_in_queue', 'append_files', 'copy_to_spool',
]);

/** Macros condor_submit defines itself. */
const PREDEFINED_MACROS = new Set(['process', 'procid', 'cluster', 'clusterid', 'step', 'row', 'item', 'itemindex', 'node', 'dollar', 'submit_file', 'submit_time', 'year', 'month', 'day', 'iwd', 'arch', 'opsys']);
/** Macro functions (`$NAME(...)`) of the configuration and submit languages. */
const MACRO_FUNCTIONS = new Set(['CHOICE', 'INT', 'REAL', 'ENV', 'RANDOM_CHOICE', 'RANDOM_INTEGER', 'SUBSTR', 'EVAL', 'STRING', 'BASENAME', 'DIRNAME']);

const INTEGER_COMMANDS = ['request_cpus', 'request_gpus', 'max_retries', 'max_materialize', 'max_idle', 'allowed_execute_duration', 'allowed_job_duration', 'deferral_time', 'deferral_window'];
const CHOICES: Record<string, string[]> = {
  universe: ['vanilla', 'container', 'docker', 'scheduler', 'local', 'grid', 'java', 'vm', 'parallel'],
  should_transfer_files: ['yes', 'no', 'if_needed'],
  when_to_transfer_output: ['on_exit', 'on_exit_or_evict', 'on_success'],
  hold: ['true', 'false'],
};

export interface QueueStatement {
  count: number;
  /** `queue N var in (...)`, `from`, `matching`: the rest as written. */
  itemsClause: string | null;
}

export interface SubmitDescription {
  /** Commands by lower-case name, values as written. */
  commands: Map<string, string>;
  /** `+Name` / `MY.Name` attributes, values as written. */
  attributes: Map<string, string>;
  queue: QueueStatement;
}

export class SubmitSyntaxError extends Error {
  constructor(line: number, message: string) {
    super(`submit description line ${line}: ${message}`);
    this.name = 'SubmitSyntaxError';
  }
}

export function parseSubmitDescription(text: string): SubmitDescription {
  const commands = new Map<string, string>();
  const attributes = new Map<string, string>();
  let queue: QueueStatement | null = null;
  for (const { line, text: statement } of logicalLines(text)) {
    if (queue) throw new SubmitSyntaxError(line, `"${statement}" after the queue statement (the gateway writes one cluster, queue last)`);
    const q = /^queue\b(.*)$/i.exec(statement);
    if (q) {
      queue = parseQueue(line, q[1].trim());
      continue;
    }
    const m = /^(\+|MY\.)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(statement);
    if (!m) throw new SubmitSyntaxError(line, `"${statement}" is neither "command = value" nor a queue statement`);
    const [, custom, name, value] = m;
    if (value.trim() === '') throw new SubmitSyntaxError(line, `${name} has no value`);
    if (custom) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SubmitSyntaxError(line, `"${name}" is not a ClassAd attribute name`);
      if (attributes.has(name)) throw new SubmitSyntaxError(line, `attribute ${name} given twice`);
      checkClassAdValue(line, name, value);
      attributes.set(name, value);
      continue;
    }
    const key = name.toLowerCase();
    if (!COMMANDS.has(key)) throw new SubmitSyntaxError(line, `"${name}" is not a submit command`);
    if (commands.has(key)) throw new SubmitSyntaxError(line, `${name} given twice`);
    checkValue(line, key, value);
    commands.set(key, value);
  }
  if (!queue) throw new SubmitSyntaxError(0, 'no queue statement: nothing would be submitted');
  for (const [key, value] of [...commands, ...attributes]) checkMacros(key, value, commands);
  if (!commands.has('executable')) throw new SubmitSyntaxError(0, 'no executable');
  return { commands, attributes, queue };
}

function* logicalLines(text: string): Generator<{ line: number; text: string }> {
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i + 1;
    let statement = raw[i];
    while (statement.endsWith('\\') && i + 1 < raw.length) statement = statement.slice(0, -1) + raw[++i];
    const trimmed = statement.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield { line: start, text: trimmed };
  }
}

function parseQueue(line: number, rest: string): QueueStatement {
  const m = /^(\d+)?\s*(.*)$/.exec(rest) as RegExpExecArray;
  const count = m[1] === undefined ? 1 : Number(m[1]);
  if (count < 1) throw new SubmitSyntaxError(line, `queue ${m[1]}: the count must be at least 1`);
  const clause = m[2].trim();
  if (clause === '') return { count, itemsClause: null };
  if (!/^[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s+(in|from|matching)\s+\S/i.test(clause)) throw new SubmitSyntaxError(line, `malformed queue statement "queue ${rest}"`);
  return { count, itemsClause: clause };
}

function checkValue(line: number, key: string, value: string): void {
  if (INTEGER_COMMANDS.includes(key) && !/^\d+$/.test(value)) throw new SubmitSyntaxError(line, `${key} must be an integer, got "${value}"`);
  if (key === 'request_memory' || key === 'request_disk') {
    if (!/^\d+\s*(K|KB|M|MB|G|GB|T|TB)?$/i.test(value)) throw new SubmitSyntaxError(line, `${key} must be a size such as 4096MB, got "${value}"`);
  }
  const allowed = CHOICES[key];
  if (allowed && !allowed.includes(value.toLowerCase())) throw new SubmitSyntaxError(line, `${key} must be one of ${allowed.join(', ')}, got "${value}"`);
  if (key === 'environment') parseEnvironment(value, line);
  if (key === 'arguments') parseArguments(value, line);
  if (key === 'requirements') checkClassAdValue(line, key, value);
}

/** Strings must be closed (with `\"` escapes) and parentheses balanced: enough to catch broken quoting. */
function checkClassAdValue(line: number, name: string, value: string): void {
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') {
      i++;
      while (i < value.length && value[i] !== '"') i += value[i] === '\\' ? 2 : 1;
      if (i >= value.length) throw new SubmitSyntaxError(line, `${name}: unterminated string in ${value}`);
    } else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) throw new SubmitSyntaxError(line, `${name}: unbalanced ")" in ${value}`);
  }
  if (depth !== 0) throw new SubmitSyntaxError(line, `${name}: unbalanced "(" in ${value}`);
}

/**
 * The macros condor_submit sees in a value, found the way it scans (a run of `$` read two at a time from
 * its start; a `$$` prefix is the schedd's match-time macro, which the gateway may only write as the
 * literal `$$(DOLLARDOLLAR)`): each must be a known or defined `$(NAME)` or a macro function.
 */
function checkMacros(key: string, value: string, commands: Map<string, string>): void {
  for (const m of scanMacros(value)) {
    const text = value.slice(m.start, m.end);
    if (m.prefix === '$$') {
      if (m.body !== 'DOLLARDOLLAR') throw new SubmitSyntaxError(0, `${key}: "${text}" is a match-time macro (a literal $$ is written $$(DOLLARDOLLAR))`);
    } else if (m.prefix === '$') {
      const name = m.body.split(':')[0].toLowerCase();
      if (!PREDEFINED_MACROS.has(name) && !commands.has(name)) throw new SubmitSyntaxError(0, `${key}: macro ${text} is not defined`);
    } else {
      const fn = m.prefix.slice(1);
      if (!MACRO_FUNCTIONS.has(fn)) throw new SubmitSyntaxError(0, `${key}: "${text}" is not a macro (a literal $ before a name and "(" is written $(DOLLAR))`);
      if (fn === 'CHOICE') {
        const items = m.body.split(',');
        if (items.length < 2 || !/^(\d+|[A-Za-z_]\w*)$/.test(items[0].trim())) throw new SubmitSyntaxError(0, `${key}: malformed ${text}`);
      }
    }
  }
}

interface ScannedMacro {
  start: number;
  end: number;
  /** `$`, `$$` or `$NAME`. */
  prefix: string;
  body: string;
}

/** Every `$…(…)` of a value at the places HTCondor's macro scanner (config.cpp next_config_macro) looks. */
function scanMacros(value: string): ScannedMacro[] {
  const found: ScannedMacro[] = [];
  for (let t = 0; ; ) {
    const i = value.indexOf('$', t);
    if (i < 0) return found;
    let p = i + 1;
    if (value[p] === '$') p++;
    while (p < value.length && /[A-Za-z0-9_]/.test(value[p])) p++;
    const close = value.indexOf(')', p);
    if (value[p] !== '(' || close < 0) {
      t = p;
      continue;
    }
    found.push({ start: i, end: close + 1, prefix: value.slice(i, p), body: value.slice(p + 1, close) });
    t = close + 1;
  }
}

/** Splits the inside of a new-syntax value into words: white space separates, '…' quotes, '' is a quote. */
function newSyntaxWords(value: string, line: number, what: string): string[] {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) throw new SubmitSyntaxError(line, `${what} must be in the new syntax, enclosed in double quotes: ${value}`);
  const inner = value.slice(1, -1);
  if (/(^|[^"])"("")*(?!")/.test(inner.replace(/""/g, ''))) throw new SubmitSyntaxError(line, `${what}: a double quote inside must be doubled: ${value}`);
  const text = inner.replace(/""/g, '"');
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      word ??= '';
      let closed = false;
      for (i++; i < text.length; i++) {
        if (text[i] === "'" && text[i + 1] === "'") {
          word += "'";
          i++;
        } else if (text[i] === "'") {
          closed = true;
          break;
        } else word += text[i];
      }
      if (!closed) throw new SubmitSyntaxError(line, `${what}: unterminated single quote: ${value}`);
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

export function parseArguments(value: string, line = 0): string[] {
  return newSyntaxWords(value, line, 'arguments');
}

/** The environment as HTCondor reads it (values still holding their macros). */
export function parseEnvironment(value: string, line = 0): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of newSyntaxWords(value, line, 'environment')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (!m) throw new SubmitSyntaxError(line, `environment: "${word}" is not NAME=value`);
    if (m[1] in env) throw new SubmitSyntaxError(line, `environment: ${m[1]} given twice`);
    env[m[1]] = m[2];
  }
  return env;
}

/**
 * A value as process `process` of the cluster gets it in its job ClassAd and then on the execute node:
 * `$(Process)` and `$CHOICE(Process,…)` expanded, condor_submit's `$(DOLLAR)` pass, then the schedd's
 * match-time `$$(…)` expansion (matchTimeExpand).
 */
export function expandForProcess(value: string, process: number): string {
  const submitted = value
    .replace(/\$CHOICE\(Process,([^)]*)\)/g, (_, list: string) => {
      const items = list.split(',');
      if (process >= items.length) throw new Error(`$CHOICE has ${items.length} items, process ${process} has none`);
      return items[process];
    })
    .replace(/\$\((Process|ProcId)\)/g, String(process));
  return matchTimeExpand(dollarPass(submitted));
}

/**
 * condor_submit's last step (config.cpp expand_macro): find the first `$(DOLLAR)` from the start of the
 * value, as its scanner finds macros, replace it with `$`, and start again from the beginning, until
 * none is left. The scanner takes `$$…(` for the schedd's and skips it; a macro body of name characters
 * runs to `)` (after a `:` also `$ ,\:` and `(…)`), anything else in it sends the scan back just after `(`.
 */
export function dollarPass(value: string): string {
  for (;;) {
    const at = firstDollarMacro(value);
    if (at === null) return value;
    value = value.slice(0, at.start) + '$' + value.slice(at.end);
  }
}

const SPECIAL = /^\$(ENV|RANDOM_CHOICE|RANDOM_INTEGER|CHOICE|SUBSTR|INT|REAL|STRING|EVAL|BASENAME|DIRNAME|F[pnxdqabfwu]*)$/i;

function firstDollarMacro(v: string): { start: number; end: number } | null {
  for (let t = 0; ; ) {
    const i = v.indexOf('$', t);
    if (i < 0) return null;
    let p = i + 1;
    if (v[p] === '$') p++;
    while (p < v.length && /[A-Za-z0-9_]/.test(v[p])) p++;
    const prefix = v.slice(i, p);
    const special = SPECIAL.exec(prefix);
    if (v[p] !== '(' || prefix[1] === '$' || (prefix.length > 1 && !special)) {
      t = p;
      continue;
    }
    const anything = special !== null && special[1].toUpperCase() !== 'ENV';
    const body = p + 1;
    let q = body;
    let bad = false;
    let afterColon = false;
    while (q < v.length && v[q] !== ')') {
      const c = v[q++];
      if (anything) continue;
      if (c === ':' && !afterColon) afterColon = true;
      else if (afterColon && c === '(' && v.indexOf(')', q) >= 0) q = v.indexOf(')', q) + 1;
      else if (afterColon && '$ ,\\:'.includes(c)) continue;
      else if (!/[A-Za-z0-9_.]/.test(c)) {
        bad = true;
        break;
      }
    }
    if (bad || v[q] !== ')') {
      t = body;
      continue;
    }
    if (prefix === '$' && v.slice(body, q).toUpperCase() === 'DOLLAR') return { start: i, end: q + 1 };
    t = q;
  }
}

/**
 * The schedd's expansion of `$$(NAME)` when the job matches a machine (qmgmt.cpp, next_dollardollar_macro):
 * the same scan, a `$$` prefix only; `$$(DOLLARDOLLAR)` is a literal `$$` and the scan goes on after it.
 * The emulated machines advertise no attribute a job may name: any other match-time macro is an error
 * (a real schedd would put the job on hold for an attribute the machine lacks).
 */
export function matchTimeExpand(value: string): string {
  for (let t = 0; ; ) {
    const i = value.indexOf('$', t);
    if (i < 0) return value;
    let p = i + 1;
    if (value[p] === '$') p++;
    while (p < value.length && /[A-Za-z0-9_]/.test(value[p])) p++;
    const close = value.indexOf(')', p);
    if (value.slice(i, p) !== '$$' || value[p] !== '(' || close < 0) {
      t = p;
      continue;
    }
    const name = value.slice(p + 1, close);
    if (name.toUpperCase() !== 'DOLLARDOLLAR') throw new Error(`$$(${name}) would be looked up in the machine's ClassAd at match time`);
    value = value.slice(0, i) + '$$' + value.slice(close + 1);
    t = i + 2;
  }
}
