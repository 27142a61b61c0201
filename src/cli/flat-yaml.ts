/**
 * The CLI's settings files are YAML, limited to a flat mapping of scalars (`key: value` per line,
 * `#` comments, values plain, 'single' or "double" quoted). A full YAML parser costs the CLI
 * ~100 ms of start-up on every command (measured: `require('yaml')`), for files of two keys; every
 * file this reader accepts means the same to a YAML parser (flat-yaml.spec.ts checks it against
 * `yaml`), and anything beyond the subset is refused with its line number, never guessed at.
 */

export class FlatYamlError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const KEY = /^([A-Za-z][A-Za-z0-9_-]*):(?:[ \t]+(.*))?$/;

export function parseFlatYaml(text: string): Map<string, string> {
  const values = new Map<string, string>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      const trimmed = raw.trimEnd();
      if (trimmed === '' || /^\s*#/.test(trimmed) || (line === 1 && trimmed === '---')) return;
      if (/^\s/.test(trimmed)) throw new FlatYamlError(line, 'indented line: only flat "key: value" lines are allowed');
      const match = KEY.exec(trimmed);
      if (!match) throw new FlatYamlError(line, 'expected "key: value" (a key of letters, digits, "_" or "-")');
      const [, key, rawValue = ''] = match;
      if (values.has(key)) throw new FlatYamlError(line, `key "${key}" is given twice`);
      values.set(key, scalar(rawValue, line, key));
    });
  return values;
}

function scalar(raw: string, line: number, key: string): string {
  const value = raw.trim();
  if (value.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(?:#.*)?$/.exec(value);
    if (!m) throw new FlatYamlError(line, `the value of "${key}" opens a single quote that does not close on this line`);
    return m[1].replace(/''/g, "'");
  }
  if (value.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")\s*(?:#.*)?$/.exec(value);
    if (!m) throw new FlatYamlError(line, `the value of "${key}" must be a double-quoted string closed on this line (escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`);
    return JSON.parse(m[1]) as string;
  }
  const plain = value.replace(/(^|\s+)#.*$/, '');
  if (plain === '') throw new FlatYamlError(line, `"${key}" has no value`);
  // Characters that start YAML's other forms (lists, mappings, anchors, tags, block scalars): not in this subset.
  if (/^[[\]{}&*!|>%@`,?-](\s|$)|^[[\]{}&*!|>%@`]/.test(plain) || /:(\s|$)/.test(plain)) {
    throw new FlatYamlError(line, `the value of "${key}" is not a plain string: quote it`);
  }
  return plain;
}
