import { SbatchError } from './sbatch-error';
import { cli, directiveRefusal, refusal } from '../../test/sbatch/parse';
import { parseTimeLimit } from './time-limit';

describe('time limit grammar (-t/--time, --time-min, partition maxTime)', () => {
  it.each([
    ['90', 90],
    ['1:30', 2],
    ['0:30', 1],
    ['1:60', 2],
    ['1:2:3', 63],
    ['0:0:1', 1],
    ['2-', 2880],
    ['1-2', 1560],
    ['1-2:3', 1563],
    ['1-2:3:4', 1564],
    ['007', 7],
    ['0', -1],
    ['0:0', -1],
    ['00-00', -1],
    ['-1', -1],
    ['INFINITE', -1],
    ['unlimited', -1],
    ['Infinite', -1],
    ['365-00:00:00', 525600],
  ])('%s → %i minutes', (value, minutes) => {
    expect(parseTimeLimit(value)).toBe(minutes);
  });

  it.each(['1:2:3:4', '1.5', '', ' 5', '5 ', '5m', '1::2', ':5', '1:2:', '1-2:', '1--2', '-5', '+5', 'abc', '1-2-3'])(
    '%j is refused with the accepted forms',
    (value) => {
      expect(() => parseTimeLimit(value)).toThrow(SbatchError);
      expect(() => parseTimeLimit(value)).toThrow(`invalid time value ${JSON.stringify(value)}: expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS`);
    },
  );

  it.each(['99999999', '365-00:00:01', '525601', '9999999999999999999'])('%s is above the one-year maximum', (value) => {
    expect(() => parseTimeLimit(value)).toThrow(/exceeds the maximum|far beyond the 365-day maximum/);
  });

  it('names the option and the script line', () => {
    const error = directiveRefusal('#SBATCH -J x', '#SBATCH --time=1:2:3:4');
    expect(error.message).toBe(
      'invalid --time value "1:2:3:4" (script line 3): expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (0, -1, INFINITE or UNLIMITED for no limit)',
    );
    expect(error.details).toEqual({
      option: '--time',
      value: '1:2:3:4',
      allowed: 'minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (0, -1, INFINITE or UNLIMITED for no limit)',
      source: 'script line 3',
      line: 3,
    });
  });

  it('names the SBATCH_TIMELIMIT variable', () => {
    const error = refusal({ env: { SBATCH_TIMELIMIT: '-t 5' } });
    expect(error.message).toMatch(/^invalid --time value "-t 5" \(SBATCH_TIMELIMIT environment variable\): expected minutes/);
    expect(error.details).toMatchObject({ variable: 'SBATCH_TIMELIMIT', source: 'SBATCH_TIMELIMIT environment variable' });
  });

  it('sets timeLimitMinutes and timeMinMinutes', () => {
    expect(cli('-t', '2:00:00', '--time-min=30')).toMatchObject({ timeLimitMinutes: 120, timeMinMinutes: 30 });
    expect(cli('-t', 'UNLIMITED', '--time-min=1-0')).toMatchObject({ timeLimitMinutes: -1, timeMinMinutes: 1440 });
  });

  it('refuses --time-min longer than --time, naming both', () => {
    const error = refusal({ optionArgs: ['--time-min=10'], lines: ['#SBATCH --time=5', 'srun a'] });
    expect(error.message).toBe(
      '--time-min=10 (command line) is longer than the time limit --time=5 (script line 2): expected a minimum time limit no longer than the time limit',
    );
    expect(error.details).toMatchObject({ option: '--time-min', source: 'command line' });
  });
});
