import { parseSlurmTime, startOfDay, TimeSpecError } from './slurm-time-spec';

const now = new Date(2026, 10, 21, 16, 30, 0); // Sat 2026-11-21 16:30 local
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);

describe('parseSlurmTime (sacct -S/-E)', () => {
  it.each([
    ['2026-11-01', local(2026, 11, 1)],
    ['2026-11-01T08:15', local(2026, 11, 1, 8, 15)],
    ['2014-07-03T11:40:05', local(2014, 7, 3, 11, 40, 5)],
    ['2014-07-03-11:40', local(2014, 7, 3, 11, 40)],
    ['11:20', local(2026, 11, 21, 11, 20)],
    ['11:20:30', local(2026, 11, 21, 11, 20, 30)],
    ['3:05pm', local(2026, 11, 21, 15, 5)],
    ['12:00AM', local(2026, 11, 21, 0, 0)],
    ['0703', local(2026, 7, 3)],
    ['070314', local(2014, 7, 3)],
    ['07/03', local(2026, 7, 3)],
    ['07/03/14-11:40', local(2014, 7, 3, 11, 40)],
    ['7.3.14', local(2014, 7, 3)],
    ['today', local(2026, 11, 21)],
    ['midnight', local(2026, 11, 21)],
    ['noon', local(2026, 11, 21, 12)],
    ['fika', local(2026, 11, 21, 15)],
    ['teatime', local(2026, 11, 21, 16)],
    ['now', now],
    ['now-1hours', local(2026, 11, 21, 15, 30)],
    ['now-2days', local(2026, 11, 19, 16, 30)],
    ['now+90', local(2026, 11, 21, 16, 31, 30)],
    ['now-1week', local(2026, 11, 14, 16, 30)],
    ['now-15min', local(2026, 11, 21, 16, 15)],
  ])('%s', (text, expected) => expect(parseSlurmTime(text, now)).toEqual(expected));

  it('takes last year for a date without a year that is still to come (accounting looks back)', () => {
    expect(parseSlurmTime('1225', now)).toEqual(local(2025, 12, 25));
  });

  it.each(['garbage', '2026-02-30', '25:00', '1332', 'now-3fortnights', '13:00pm', ''])('refuses %j with the accepted forms', (text) => {
    expect(() => parseSlurmTime(text, now)).toThrow(TimeSpecError);
    expect(() => parseSlurmTime(text, now)).toThrow(/expected HH:MM\[:SS\]\[AM\|PM\], MMDD\[YY\]/);
  });

  it('startOfDay is local midnight', () => expect(startOfDay(now)).toEqual(local(2026, 11, 21)));
});
