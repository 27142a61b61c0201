import { cli, cliRefusal, directiveRefusal, parse, refusal } from '../../test/sbatch/parse';

describe('job arrays (-a/--array)', () => {
  it.each([
    ['0-3', [0, 1, 2, 3], null],
    ['1,3,5', [1, 3, 5], null],
    ['0-15:4', [0, 4, 8, 12], null],
    ['1-10:3', [1, 4, 7, 10], null],
    ['0-15%4', Array.from({ length: 16 }, (_, i) => i), 4],
    ['1-5,7,10-20:5%2', [1, 2, 3, 4, 5, 7, 10, 15, 20], 2],
    ['5,1,3', [1, 3, 5], null],
    ['1,1,2', [1, 2], null],
    ['1-3,2-4', [1, 2, 3, 4], null],
    ['3-3', [3], null],
    ['1-3,,5', [1, 2, 3, 5], null],
    ['1,', [1], null],
    ['1000', [1000], null],
  ])('%s', (value, indices, maxConcurrent) => {
    expect(cli(`--array=${value}`).array).toEqual({ indices, maxConcurrent });
  });

  it('expands the full default range (0 to MaxArraySize-1)', () => {
    expect(cli('-a', '0-1000').array?.indices).toHaveLength(1001);
  });

  it.each([
    ['', 'no array index given'],
    ['%4', 'no array index given'],
    ['5-1', 'range 5-1 is descending'],
    ['0-15:0', 'range 0-15:0 has step 0'],
    ['1001', 'index 1001 is above the maximum index 1000 (MaxArraySize is 1001)'],
    ['0-5000', 'index 5000 is above the maximum index 1000 (MaxArraySize is 1001)'],
    ['-1', '"-1" is not an index or range'],
    ['1-', '"1-" is not an index or range'],
    ['1-3:2:1', '"1-3:2:1" is not an index or range'],
    ['1:2', '"1:2" is not an index or range'],
    ['a', '"a" is not an index or range'],
    ['0x10', '"0x10" is not an index or range'],
    ['1-3%0', 'the throttle %0 must be from 1 to 1000000 tasks at once'],
    ['1-3%', 'the throttle "%" must be a whole number'],
    ['1-3%x', 'the throttle "%x" must be a whole number'],
  ])('%j is refused: %s', (value, problem) => {
    const error = cliRefusal(`--array=${value}`);
    expect(error.message).toContain(`invalid --array value ${JSON.stringify(value)} (command line): ${problem}; expected a comma list of indices`);
    expect(error.details).toMatchObject({ option: '--array', value });
  });

  it('follows the site\'s MaxArraySize', () => {
    const limits = { maxArraySize: 10, maxScriptBytes: 1 << 20 };
    expect(parse({ optionArgs: ['-a', '0-9'] }, limits).spec.array?.indices).toHaveLength(10);
    expect(refusal({ optionArgs: ['-a', '0-10'] }, limits).message).toContain('index 10 is above the maximum index 9 (MaxArraySize is 10)');
  });

  it('names the line of a bad directive and the SBATCH_ARRAY_INX variable', () => {
    expect(directiveRefusal('#SBATCH --array=9-1').details).toMatchObject({ line: 2, option: '--array' });
    expect(refusal({ env: { SBATCH_ARRAY_INX: '3-1' } }).details).toMatchObject({ variable: 'SBATCH_ARRAY_INX' });
    expect(parse({ env: { SBATCH_ARRAY_INX: '1-2' } }).spec.array).toEqual({ indices: [1, 2], maxConcurrent: null });
  });
});
