/**
 * JSON text as Slurm's serializer/json plugin writes it: json-c's JSON_C_TO_STRING_PRETTY |
 * JSON_C_TO_STRING_SPACED (two-space indent, `"key": value`, empty lists as `[` newline `]`, `/`
 * escaped as `\/`, floats always with a fraction) and no newline at the end. Tools that diff or grep
 * squeue --json keep working only if the bytes are json-c's, which JSON.stringify's are not.
 */

/** A number json-c holds as a double (Slurm's data_set_float): printed `2.0`, never `2`. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

export type JsonCValue = null | boolean | number | string | JsonFloat | JsonCValue[] | { [key: string]: JsonCValue };

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** json_escape_str: the named escapes, other control characters as \u00XX, the rest as is. */
function quote(text: string): string {
  return `"${text.replace(/["\\/\u0000-\u001f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function floatText(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const text = String(n);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function write(value: JsonCValue, level: number): string {
  if (value === null) return 'null';
  if (value instanceof JsonFloat) return floatText(value.value);
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const pad = '  '.repeat(level);
  const inner = '  '.repeat(level + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) return `[\n${pad}]`;
    return `[\n${value.map((v) => `${inner}${write(v, level + 1)}`).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return `{\n${pad}}`;
  return `{\n${entries.map(([k, v]) => `${inner}${quote(k)}: ${write(v, level + 1)}`).join(',\n')}\n${pad}}`;
}

export function jsonCText(value: JsonCValue): string {
  return write(value, 0);
}
