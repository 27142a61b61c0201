import { parseDateTime } from './begin-time';
import { NOW, cli, cliRefusal, refusal } from '../../test/sbatch/parse';
import { ValueError } from './value-error';

/** A local wall-clock time, as Slurm resolves --begin in the submit host's time zone. */
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).toISOString();

describe('--begin / --deadline grammar (resolved against now = Sat 2026-11-21 16:34:44)', () => {
  it.each([
    ['16:00', local(2026, 11, 22, 16)],
    ['16:00:30', local(2026, 11, 22, 16, 0, 30)],
    ['16:34', local(2026, 11, 22, 16, 34)],
    ['16:35', local(2026, 11, 21, 16, 35)],
    ['23:59', local(2026, 11, 21, 23, 59)],
    ['4:00PM', local(2026, 11, 22, 16)],
    ['4:00 pm', local(2026, 11, 22, 16)],
    ['4:00:00PM', local(2026, 11, 22, 16)],
    ['04:00am', local(2026, 11, 22, 4)],
    ['12:30am', local(2026, 11, 22, 0, 30)],
    ['12:30pm', local(2026, 11, 22, 12, 30)],
    ['midnight', local(2026, 11, 22)],
    ['Midnight', local(2026, 11, 22)],
    ['noon', local(2026, 11, 22, 12)],
    ['elevenses', local(2026, 11, 22, 11)],
    ['fika', local(2026, 11, 22, 15)],
    ['teatime', local(2026, 11, 22, 16)],
    ['today', local(2026, 11, 21)],
    ['tomorrow', local(2026, 11, 22)],
    ['now', local(2026, 11, 21, 16, 34, 44)],
    ['NOW', local(2026, 11, 21, 16, 34, 44)],
    ['now+60', local(2026, 11, 21, 16, 35, 44)],
    ['now+1hour', local(2026, 11, 21, 17, 34, 44)],
    ['now+1hours', local(2026, 11, 21, 17, 34, 44)],
    ['Now+1HOUR', local(2026, 11, 21, 17, 34, 44)],
    ['now + 1 hour', local(2026, 11, 21, 17, 34, 44)],
    ['now+5minutes', local(2026, 11, 21, 16, 39, 44)],
    ['now+3seconds', local(2026, 11, 21, 16, 34, 47)],
    ['now+2days', local(2026, 11, 23, 16, 34, 44)],
    ['now+1week', local(2026, 11, 28, 16, 34, 44)],
    ['now-1hour', local(2026, 11, 21, 15, 34, 44)],
    ['1231', local(2026, 12, 31)],
    ['123127', local(2027, 12, 31)],
    ['12/31', local(2026, 12, 31)],
    ['12/31/27', local(2027, 12, 31)],
    ['12.31.27', local(2027, 12, 31)],
    ['1/5', local(2027, 1, 5)],
    ['11/21', local(2027, 11, 21)],
    ['1122', local(2026, 11, 22)],
    ['11/21/26', local(2026, 11, 21)],
    ['1/1/70', local(2070, 1, 1)],
    ['2027-01-20', local(2027, 1, 20)],
    ['2027-01-20T12:34', local(2027, 1, 20, 12, 34)],
    ['2027-01-20T12:34:56', local(2027, 1, 20, 12, 34, 56)],
    ['2027-01-20 12:34', local(2027, 1, 20, 12, 34)],
    ['2020-01-01', local(2020, 1, 1)],
    ['12/31-10:00', local(2026, 12, 31, 10)],
    ['12/31/27-10:00:05', local(2027, 12, 31, 10, 0, 5)],
    ['tomorrow-10:00', local(2026, 11, 22, 10)],
    ['16:00 tomorrow', local(2026, 11, 22, 16)],
    ['uts1900000000', new Date(1_900_000_000_000).toISOString()],
  ])('%s → %s', (value, iso) => {
    expect(parseDateTime(value, NOW).toISOString()).toBe(iso);
    expect(cli(`--begin=${value}`).begin).toBe(iso);
  });

  it.each([
    ['4pm', null],
    ['12am', null],
    ['16:00PM', '16:00 PM is not a time'],
    ['25:00', 'hour 25 is not 0-23'],
    ['12:60', 'minutes 60 is not 0-59'],
    ['1:2', 'minutes must be two digits'],
    ['2027-01-05T1:2', 'minutes must be two digits'],
    ['now+5min', null],
    ['now+1h', null],
    ['now+', 'now+ needs a count'],
    ['now+1month', null],
    ['now+1day+1hour', null],
    ['now 5', 'unexpected "5" after now'],
    ['13/01', 'month 13 is not 1-12'],
    ['2027-13-01', 'month 13 is not 1-12'],
    ['2027-02-30', '2027-02-30 is not a calendar date'],
    ['0', 'month 0 is not 1-12'],
    ['1700000000', 'month 17 is not 1-12'],
    ['12/31/2027', 'month 27 is not 1-12'],
    ['12/31/27-10', null],
    ['2027-1-5', 'month 20 is not 1-12'],
    ['2027-01-05T12:34:56Z', null],
    ['midnight+1', null],
    ['uts5', 'a uts timestamp must be a Unix time in seconds'],
    ['', 'no date or time given'],
    ['-', 'no date or time given'],
    ['now+99999999999999', 'the offset from now is too large'],
    ['1/1/69-25:00', 'hour 25 is not 0-23'],
  ])('%j is refused', (value, problem) => {
    let error: unknown;
    try {
      parseDateTime(value, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValueError);
    if (problem) expect((error as ValueError).problem).toContain(problem);
    expect((error as ValueError).allowed).toContain('HH:MM[:SS] [AM|PM]');
  });

  it('names the option, value and source', () => {
    const error = refusal({ lines: ['#SBATCH --begin=4pm', 'srun a'] });
    expect(error.message).toMatch(/^invalid --begin value "4pm" \(script line 2\): expected HH:MM\[:SS\] \[AM\|PM\], MMDD\[YY\]/);
    expect(error.details).toMatchObject({ option: '--begin', value: '4pm', line: 2 });
  });

  it('a begin time in the past is allowed (the job is eligible at once), a past deadline is not', () => {
    expect(cli('--begin=now-1hour').begin).toBe(local(2026, 11, 21, 15, 34, 44));
    const error = cliRefusal('--deadline=now-1hour');
    expect(error.message).toBe(`invalid --deadline value "now-1hour" (command line): ${local(2026, 11, 21, 15, 34, 44)} is in the past; expected a time in the future`);
  });

  it('a deadline before the begin time is refused, naming both', () => {
    expect(cliRefusal('--begin=now+1hour', '--deadline=now+30minutes').message).toBe(
      '--deadline=now+30minutes (command line) comes before the begin time --begin=now+1hour (command line): expected a deadline after the begin time',
    );
    expect(cli('--begin=now+1hour', '--deadline=now+2hours')).toMatchObject({
      begin: local(2026, 11, 21, 17, 34, 44),
      deadline: local(2026, 11, 21, 18, 34, 44),
    });
  });
});
