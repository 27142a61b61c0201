/**
 * The printf-like `-o/--format` language of squeue and sinfo: `%[.][width]code`, where `.` right-justifies
 * and width is the column size (0 = as wide as the value); `%%` is a literal percent; everything else
 * is literal text kept in place. An unknown code is kept literally and reported, as Slurm does.
 */

export type FormatToken =
  | { kind: 'text'; text: string }
  | { kind: 'field'; code: string; width: number; rightJustify: boolean };

export interface ParsedFormat {
  tokens: FormatToken[];
  /** Codes that are not fields of this command, in order of appearance (kept as text in `tokens`). */
  unknownCodes: string[];
}

export function parsePrintfFormat(format: string, knownCodes: ReadonlySet<string>): ParsedFormat {
  const tokens: FormatToken[] = [];
  const unknownCodes: string[] = [];
  const pushText = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'text') last.text += text;
    else tokens.push({ kind: 'text', text });
  };

  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent === -1) {
      pushText(format.slice(i));
      break;
    }
    if (percent > i) pushText(format.slice(i, percent));
    if (format[percent + 1] === '%') {
      pushText('%');
      i = percent + 2;
      continue;
    }
    const spec = /^\.?(\d*)/.exec(format.slice(percent + 1))!;
    const codeAt = percent + 1 + spec[0].length;
    if (codeAt >= format.length) {
      pushText(format.slice(percent));
      break;
    }
    const code = format[codeAt];
    if (knownCodes.has(code)) {
      tokens.push({ kind: 'field', code, width: spec[1] ? Number(spec[1]) : 0, rightJustify: spec[0].startsWith('.') });
    } else {
      unknownCodes.push(code);
      pushText(format.slice(percent, codeAt + 1));
    }
    i = codeAt + 1;
  }
  return { tokens, unknownCodes };
}

/**
 * The `-O/--Format` language of squeue and sinfo: `name[:[.][size][suffix]]` items separated by commas
 * (Slurm's _parse_long_token): 20 columns without a `:`, else the size given (none = as wide as the
 * value); no separator between columns (a suffix supplies one). An unknown name prints only its suffix
 * and is reported, as Slurm does.
 */
export function parseLongFormat(format: string, fieldOf: (name: string) => string | undefined): ParsedFormat {
  const tokens: FormatToken[] = [];
  const unknownCodes: string[] = [];
  for (const item of format.split(',').filter((s) => s !== '')) {
    const colon = item.indexOf(':');
    const name = colon === -1 ? item : item.slice(0, colon);
    const m = /^(\.?)(\d*)([\s\S]*)$/.exec(colon === -1 ? '' : item.slice(colon + 1))!;
    const code = fieldOf(name);
    if (code) tokens.push({ kind: 'field', code, width: colon === -1 ? 20 : Number(m[2] || 0), rightJustify: m[1] === '.' });
    else unknownCodes.push(name);
    if (m[3]) tokens.push({ kind: 'text', text: m[3] });
  }
  return { tokens, unknownCodes };
}
