import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    [' 3 s ', 3000],
    ['0', 0],
    [0, 0],
  ])('%j -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['2', 2, '2 seconds', '-1s', 's', ''])('rejects %j (a unit is required)', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formats the shortest exact unit', () => {
    expect([formatDuration(0), formatDuration(1500), formatDuration(2000), formatDuration(120_000), formatDuration(7_200_000)]).toEqual(['0', '1500ms', '2s', '2m', '2h']);
  });
});
