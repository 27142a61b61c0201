import { formatClock, formatCtime, formatDuration, formatLimitMinutes, formatTimestamp } from './slurm-time';

describe('formatClock (squeue %M %l %L, sinfo %l)', () => {
  it.each([
    [0, '0:00'],
    [3, '0:03'],
    [59 * 60 + 59, '59:59'],
    [3600, '1:00:00'],
    [5 * 60, '5:00'],
    [2 * 86400 + 3 * 3600, '2-03:00:00'],
    [86400 + 30 * 60, '1-00:30:00'],
    [365 * 86400, '365-00:00:00'],
  ])('%i s -> %s', (seconds, text) => expect(formatClock(seconds)).toBe(text));

  it('prints INVALID for a negative time or more than a year, as squeue does', () => {
    expect(formatClock(-1)).toBe('INVALID');
    expect(formatClock(365 * 86400 + 1)).toBe('INVALID');
  });
});

describe('formatDuration (sacct Elapsed, scontrol RunTime)', () => {
  it.each([
    [0, '00:00:00'],
    [1, '00:00:01'],
    [54, '00:00:54'],
    [3600 + 2 * 60 + 3, '01:02:03'],
    [86400 + 2 * 3600 + 3 * 60, '1-02:03:00'],
  ])('%i s -> %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));

  it('prints INVALID for negative durations', () => expect(formatDuration(-5)).toBe('INVALID'));
});

describe('formatLimitMinutes (sacct Timelimit, scontrol TimeLimit)', () => {
  it.each([
    [1, '00:01:00'],
    [60, '01:00:00'],
    [1 * 1440 + 2 * 60 + 3, '1-02:03:00'],
    [-1, 'UNLIMITED'],
  ])('%i min -> %s', (minutes, text) => expect(formatLimitMinutes(minutes)).toBe(text));
});

describe('timestamps', () => {
  it('writes local YYYY-MM-DDTHH:MM:SS', () => {
    expect(formatTimestamp(new Date(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05');
  });

  it("writes squeue -l's date line like slurm_ctime2", () => {
    expect(formatCtime(new Date(2026, 10, 21, 16, 29, 3))).toBe('Sat Nov 21 16:29:03 2026');
    expect(formatCtime(new Date(2026, 1, 1, 7, 0, 0))).toBe('Sun Feb 01 07:00:00 2026');
  });
});
