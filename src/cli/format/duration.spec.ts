import { formatCompactDuration, formatElapsed, formatLimitMinutes, secondsBetween } from './duration';

describe('formatCompactDuration (squeue %M %l %L, sinfo %l)', () => {
  it.each([
    [0, '0:00'],
    [3, '0:03'],
    [59 * 60 + 59, '59:59'],
    [3600, '1:00:00'],
    [5 * 60, '5:00'],
    [2 * 86400 + 3 * 3600, '2-03:00:00'],
    [86400 + 30 * 60, '1-00:30:00'],
    [365 * 86400, '365-00:00:00'],
  ])('%i s -> %s', (seconds, text) => expect(formatCompactDuration(seconds)).toBe(text));

  it('prints INVALID for a negative time or more than a year, as squeue does', () => {
    expect(formatCompactDuration(-1)).toBe('INVALID');
    expect(formatCompactDuration(365 * 86400 + 1)).toBe('INVALID');
  });
});

describe('formatElapsed (sacct Elapsed, scontrol RunTime)', () => {
  it.each([
    [0, '00:00:00'],
    [1, '00:00:01'],
    [54, '00:00:54'],
    [3600 + 2 * 60 + 3, '01:02:03'],
    [86400 + 2 * 3600 + 3 * 60, '1-02:03:00'],
    [400 * 86400, '400-00:00:00'],
  ])('%i s -> %s', (seconds, text) => expect(formatElapsed(seconds)).toBe(text));

  it('prints INVALID for negative durations', () => expect(formatElapsed(-5)).toBe('INVALID'));
});

describe('formatLimitMinutes (sacct Timelimit, scontrol TimeLimit)', () => {
  it.each([
    [1, '00:01:00'],
    [60, '01:00:00'],
    [1 * 1440 + 2 * 60 + 3, '1-02:03:00'],
    [-1, 'UNLIMITED'],
  ])('%i min -> %s', (minutes, text) => expect(formatLimitMinutes(minutes)).toBe(text));
});

describe('secondsBetween', () => {
  it('counts whole seconds, rounding down', () => {
    expect(secondsBetween(new Date(1_000), new Date(62_999))).toBe(61);
  });

  it('is zero when the later instant comes first', () => {
    expect(secondsBetween(new Date(5_000), new Date(1_000))).toBe(0);
  });
});
