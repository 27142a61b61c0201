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
