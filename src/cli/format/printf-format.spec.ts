import { fitField } from './fit-field';
import { parsePrintfFormat } from './printf-format';

const codes = new Set(['i', 'j', 'R', 't']);

describe('parsePrintfFormat (squeue/sinfo -o)', () => {
  it('reads %[.][width]code fields and keeps the text between them', () => {
    expect(parsePrintfFormat('%.18i %j|%5t', codes).tokens).toEqual([
      { kind: 'field', code: 'i', width: 18, rightJustify: true },
      { kind: 'text', text: ' ' },
      { kind: 'field', code: 'j', width: 0, rightJustify: false },
      { kind: 'text', text: '|' },
      { kind: 'field', code: 't', width: 5, rightJustify: false },
    ]);
  });

  it('keeps leading and trailing literal text', () => {
    expect(parsePrintfFormat('id=%i;', codes).tokens).toEqual([
      { kind: 'text', text: 'id=' },
      { kind: 'field', code: 'i', width: 0, rightJustify: false },
      { kind: 'text', text: ';' },
    ]);
  });

  it('turns %% into one literal percent sign, also right before a code letter', () => {
    expect(parsePrintfFormat('%%i 100%%', codes).tokens).toEqual([{ kind: 'text', text: '%i 100%' }]);
  });

  it('keeps unknown codes literally and reports them in order', () => {
    const parsed = parsePrintfFormat('%i %z %.3q', codes);
    expect(parsed.unknownCodes).toEqual(['z', 'q']);
    expect(parsed.tokens).toEqual([
      { kind: 'field', code: 'i', width: 0, rightJustify: false },
      { kind: 'text', text: ' %z %.3q' },
    ]);
  });

  it('keeps a lone percent sign at the end as text', () => {
    expect(parsePrintfFormat('%i %', codes).tokens.at(-1)).toEqual({ kind: 'text', text: ' %' });
    expect(parsePrintfFormat('%.12', codes).tokens).toEqual([{ kind: 'text', text: '%.12' }]);
  });
});

describe('fitField (Slurm _print_str)', () => {
  it('right-justifies and keeps the first characters of a value that is too long', () => {
    expect(fitField('12', 5, true)).toBe('   12');
    expect(fitField('a_very_long', 8, true)).toBe('a_very_l');
  });

  it('left-justifies, cutting then padding', () => {
    expect(fitField('arr', 10, false)).toBe('arr       ');
    expect(fitField('2_[2-5%1]', 5, false)).toBe('2_[2-');
  });

  it('lets columns that do not cut overflow when right-justified', () => {
    expect(fitField('2-03:00:00', 9, true, false)).toBe('2-03:00:00');
  });

  it('prints the value as is with width 0', () => {
    expect(fitField('NODELIST(REASON)', 0, true)).toBe('NODELIST(REASON)');
  });
});
