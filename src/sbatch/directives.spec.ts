import { parseBatchScript } from './parse-batch-script';
import { LIMITS, NOW, directiveRefusal, directives, parse } from '../../test/sbatch/parse';

const fromScript = (text: string) =>
  parseBatchScript({ script: text, optionArgs: [], scriptArgs: [], env: {}, scriptName: 'job.sh', now: NOW }, LIMITS);

describe('#SBATCH directives: where they are read', () => {
  it('reads directives after blank and comment lines, and stops at the first command', () => {
    const spec = directives('', '# a comment', '   # indented comment', '\t', '#SBATCH -J early', 'module load gcc', '#SBATCH -J late');
    expect(spec.name).toBe('early');
  });

  it('ignores directives after the first command, even far below', () => {
    const { spec } = parse({ lines: ['echo start', '#SBATCH --time=5'] });
    expect(spec.timeLimitMinutes).toBeNull();
  });

  it.each([
    ['# SBATCH -J spaced', 'job.sh'],
    ['##SBATCH -J doubled', 'job.sh'],
    [' #SBATCH -J indented', 'job.sh'],
    ['#sbatch -J lowercase', 'job.sh'],
  ])('%j is only a comment', (line, name) => {
    expect(directives(line).name).toBe(name);
  });

  it('"#SBATCH" needs no space before the first option (#SBATCH-J x), as in sbatch', () => {
    expect(directives('#SBATCH-J glued').name).toBe('glued');
  });

  it('refuses "#SBATCHx" like sbatch: the word after the magic word is not an option', () => {
    expect(directiveRefusal('#SBATCHx -J x').message).toMatch(/^Invalid directive found in batch script: "x" \(script line 2\)/);
  });

  it('accepts #SLURM with sbatch\'s warning', () => {
    const { spec, warnings } = parse({ lines: ['#SLURM -J legacy', 'srun true'] });
    expect(spec.name).toBe('legacy');
    expect(warnings).toEqual(['Change from #SLURM to #SBATCH in your script and verify the options are valid in sbatch (script line 2)']);
  });

  it('reads a script without a trailing newline and a script that is only directives', () => {
    expect(fromScript('#!/bin/sh\n#SBATCH -J last').spec.name).toBe('last');
    expect(fromScript('#!/bin/sh').spec.name).toBe('job.sh');
  });

  it('joins all directive lines into one argument list (an option may take its value from the next line)', () => {
    expect(directives('#SBATCH -J', '#SBATCH next-line').name).toBe('next-line');
  });

  it('values are not shell-expanded', () => {
    const spec = directives('#SBATCH -o $HOME/out-%j.log', '#SBATCH -J "$(whoami)"', '#SBATCH --comment=`date`');
    expect(spec.output).toBe('$HOME/out-%j.log');
    expect(spec.name).toBe('$(whoami)');
    expect(spec.comment).toBe('`date`');
  });

  it('"--" ends the options of a script; anything after it is refused', () => {
    expect(directiveRefusal('#SBATCH --', '#SBATCH -J x').message).toMatch(/Invalid directive found in batch script: "-J" \(script line 3\)/);
    expect(directives('#SBATCH -J x --').name).toBe('x');
  });
});

describe('#SBATCH directives: Slurm\'s word splitting', () => {
  it.each([
    ['several options on one line', '#SBATCH -J multi -p debug --time=5', { name: 'multi', partitions: ['debug'], timeLimitMinutes: 5 }],
    ['double quotes', '#SBATCH --comment="two words" -J x', { comment: 'two words', name: 'x' }],
    ['single quotes', "#SBATCH --comment='two words'", { comment: 'two words' }],
    ['quotes in the middle of a word', '#SBATCH -J a"b c"d', { name: 'ab cd' }],
    ['a quote of the other kind inside quotes', `#SBATCH -J 'a"b'`, { name: 'a"b' }],
    ['a backslash-escaped quote inside quotes', `#SBATCH -J 'a\\'b'`, { name: "a'b" }],
    ['an escaped backslash', '#SBATCH -J a\\\\b', { name: 'a\\b' }],
    ['a trailing " # comment"', '#SBATCH --time=5 # five minutes', { timeLimitMinutes: 5 }],
    ['an unquoted # inside a word ends the directive', '#SBATCH -J a#b --comment=never', { name: 'a', comment: null }],
    ['a quoted #', '#SBATCH -J "a#b" --comment=\'c#d\'', { name: 'a#b', comment: 'c#d' }],
    ['an escaped #', '#SBATCH -J a\\#b', { name: 'a#b' }],
    ['tabs and form feeds separate words', '#SBATCH\t-J\ttabbed\f-p debug', { name: 'tabbed', partitions: ['debug'] }],
    ['an empty "" ends the line (sbatch stops at an empty word)', '#SBATCH --comment=x "" -J never', { comment: 'x', name: 'job.sh' }],
  ])('%s', (_what, line, expected) => {
    expect(directives(line)).toMatchObject(expected);
  });

  it('an escaped space does not join words (sbatch splits before it looks at the backslash)', () => {
    expect(directiveRefusal('#SBATCH -J a\\ b').message).toMatch(/Invalid directive found in batch script: "b"/);
  });

  it('refuses an unmatched quote, naming the line', () => {
    const error = directiveRefusal('#SBATCH -J ok', '#SBATCH --comment="unterminated');
    expect(error.message).toBe(
      'Unmatched `"` in #SBATCH directive (script line 3): [#SBATCH --comment="unterminated]; close the quote or escape it with a backslash',
    );
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('an empty word swallowed as a value leaves the option without one ("-J \'\'" at the end of the directives)', () => {
    expect(directiveRefusal("#SBATCH -J ''").message).toBe("option requires an argument -- 'J' (script line 2): give it as -J<value> or -J <value>");
  });
});
