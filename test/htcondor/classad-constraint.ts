/**
 * The part of the ClassAd expression language the gateway's constraints use, for the emulated schedd:
 * attribute references, integer / string / boolean literals and `undefined`, `==`, `!=`, `=?=`, `=!=`, `<`,
 * `&&`, `||` and parentheses. As in ClassAds, `==` with an undefined side is undefined, which a
 * constraint treats as false; `=?=` / `=!=` compare undefined like a value. Anything else is an error.
 */
type Value = number | string | boolean | undefined;
export type Ad = Record<string, unknown>;

const TOKEN = /\s*(=\?=|=!=|==|!=|<|&&|\|\||\(|\)|"(?:[^"\\]|\\.)*"|-?\d+|[A-Za-z_][A-Za-z0-9_.]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`constraint: cannot read "${text.slice(at)}"`);
    tokens.push(m[1]);
  }
  return tokens;
}

export function matches(constraint: string, ad: Ad): boolean {
  const tokens = tokenize(constraint);
  let i = 0;
  const lookup = (name: string): Value => {
    const key = Object.keys(ad).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : (ad[key] as Value);
  };
  const primary = (): Value => {
    const t = tokens[i++];
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw new Error(`constraint: ")" expected in ${constraint}`);
      return v;
    }
    if (t === undefined) throw new Error(`constraint ends early: ${constraint}`);
    if (/^-?\d+$/.test(t)) return Number(t);
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
    if (/^undefined$/i.test(t)) return undefined;
    return lookup(t.replace(/^(MY|TARGET)\./i, ''));
  };
  const comparison = (): Value => {
    const left = primary();
    const op = tokens[i];
    if (!['==', '!=', '=?=', '=!=', '<'].includes(op)) return left;
    i++;
    const right = primary();
    if (op === '<') return typeof left === 'number' && typeof right === 'number' ? left < right : undefined;
    if (op === '=?=') return left === right;
    if (op === '=!=') return left !== right;
    if (left === undefined || right === undefined) return undefined;
    const same = typeof left === 'string' && typeof right === 'string' ? left.toLowerCase() === right.toLowerCase() : left === right;
    return op === '==' ? same : !same;
  };
  const and = (): Value => {
    let v = comparison();
    while (tokens[i] === '&&') {
      i++;
      const r = comparison();
      v = v === true && r === true;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      const r = and();
      v = v === true || r === true;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`constraint: unexpected "${tokens[i]}" in ${constraint}`);
  return result === true;
}
