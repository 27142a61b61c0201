import { JobIdSyntaxError, matchesSelectors, parseJobIdList, parseJobSelector } from './job-id-list';

describe('parseJobIdList', () => {
  it('reads plain ids, array tasks and bracketed task lists with commas inside', () => {
    expect(parseJobIdList('1,2_3,4_[1-3,7]')).toEqual([
      { jobId: 1, arrayIndices: null, step: null, text: '1' },
      { jobId: 2, arrayIndices: [3], step: null, text: '2_3' },
      { jobId: 4, arrayIndices: [1, 2, 3, 7], step: null, text: '4_[1-3,7]' },
    ]);
  });

  it('expands stepped ranges and merges duplicates', () => {
    expect(parseJobSelector('9_[0-8:4,4]').arrayIndices).toEqual([0, 4, 8]);
  });

  it('reads the batch step (sacct -j 12.batch, 12_3.batch)', () => {
    expect(parseJobSelector('12.batch')).toMatchObject({ jobId: 12, arrayIndices: null, step: 'batch' });
    expect(parseJobSelector('12_3.batch')).toMatchObject({ jobId: 12, arrayIndices: [3], step: 'batch' });
  });

  it('skips empty items like Slurm does', () => {
    expect(parseJobIdList('5,,6,').map((s) => s.jobId)).toEqual([5, 6]);
  });

  it.each([
    ['abc', /invalid job id "abc": expected N, N_M/],
    ['12_', /invalid job id "12_"/],
    ['-3', /invalid job id "-3"/],
    ['4_[3-1]', /range 3-1 runs backwards/],
    ['4_[1-5:0]', /range 1-5:0 has step 0/],
    ['4_[x]', /array index list "x" must be N, N-M or N-M:S/],
    ['99999999999', /is larger than 2147483647/],
    ['1_[0-9999999]', /more than a million tasks/],
  ])('refuses %s, saying what is allowed', (text, message) => {
    expect(() => parseJobIdList(text)).toThrow(JobIdSyntaxError);
    expect(() => parseJobIdList(text)).toThrow(message);
  });
});

describe('matchesSelectors', () => {
  const task = { jobId: 12, arrayIndex: 3, rawId: 15 };
  const plain = { jobId: 8, arrayIndex: null, rawId: 8 };

  it('matches everything when no ids are given', () => expect(matchesSelectors([], task)).toBe(true));
  it('matches a whole array by its id', () => expect(matchesSelectors(parseJobIdList('12'), task)).toBe(true));
  it('matches one task by N_M and by its own raw id', () => {
    expect(matchesSelectors(parseJobIdList('12_3'), task)).toBe(true);
    expect(matchesSelectors(parseJobIdList('12_4'), task)).toBe(false);
    expect(matchesSelectors(parseJobIdList('15'), task)).toBe(true);
  });
  it('does not match a plain job with a task selector', () => expect(matchesSelectors(parseJobIdList('8_0'), plain)).toBe(false));
});
