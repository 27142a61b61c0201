import type { DependencyItem, DependencySpec, DependencyType } from '../domain/job';
import { cli, cliRefusal } from '../../test/sbatch/parse';

const item = (type: DependencyType, jobIds: number[], delayMinutes: number | null = null, arrayTaskIds = jobIds.map(() => null as number | null)): DependencyItem => ({
  type,
  jobIds,
  arrayTaskIds,
  delayMinutes,
});

describe('dependencies (-d/--dependency)', () => {
  it.each<[string, DependencySpec]>([
    ['afterok:1:2,afterany:3', { mode: 'all', items: [item('afterok', [1, 2]), item('afterany', [3])] }],
    ['afterok:1:2?afterany:3', { mode: 'any', items: [item('afterok', [1]), item('afterok', [2]), item('afterany', [3])] }],
    ['after:1+5', { mode: 'all', items: [item('after', [1], 5)] }],
    ['after:1+5:2+10:3', { mode: 'all', items: [item('after', [1], 5), item('after', [2], 10), item('after', [3])] }],
    ['after:1:2', { mode: 'all', items: [item('after', [1, 2])] }],
    ['singleton', { mode: 'all', items: [item('singleton', [])] }],
    ['SINGLETON,afterok:7', { mode: 'all', items: [item('singleton', []), item('afterok', [7])] }],
    ['AfterOK:7', { mode: 'all', items: [item('afterok', [7])] }],
    ['42', { mode: 'all', items: [item('afterany', [42])] }],
    ['afterok:12_4', { mode: 'all', items: [item('afterok', [12], null, [4])] }],
    ['afterok:12_*:13', { mode: 'all', items: [item('afterok', [12, 13])] }],
    ['aftercorr:12', { mode: 'all', items: [item('aftercorr', [12])] }],
    ['afternotok:3', { mode: 'all', items: [item('afternotok', [3])] }],
    ['afterburstbuffer:3', { mode: 'all', items: [item('afterburstbuffer', [3])] }],
    ['afterok:5:5', { mode: 'all', items: [item('afterok', [5])] }],
  ])('%s', (value, dependency) => {
    expect(cli(`--dependency=${value}`).dependency).toEqual(dependency);
  });

  it.each([
    ['', 'the dependency list is empty'],
    ['foo:1', 'unknown dependency type "foo"'],
    ['expand:1', 'unknown dependency type "expand"'],
    ['afterok', 'afterok needs at least one job id (afterok:123)'],
    ['afterok:', 'afterok needs at least one job id (afterok:123)'],
    ['afterok:0', 'job id 0 is out of range (1 to 2147483647)'],
    ['afterok:-1', '"-1" is not a job id'],
    ['afterok:1x', '"1x" is not a job id'],
    ['afterok:1,', 'an item between separators is empty'],
    ['afterok:1?', 'an item between separators is empty'],
    ['afterok:1,afterany:2?after:3', 'use either "," (all) or "?" (any) between items, not both'],
    ['afterok:1+5', 'a +delay ("1+5") is only allowed with after:'],
    ['after:1+', '"1+" is not a job id'],
    ['after:1+x', '"1+x" is not a job id'],
    ['1:2', '"1:2" lists several job ids without a type; write afterany:1:2'],
    ['afterok:99999999999', 'job id 99999999999 is out of range (1 to 2147483647)'],
  ])('%j is refused: %s', (value, problem) => {
    const error = cliRefusal('-d', value);
    expect(error.message).toContain(`invalid --dependency value ${JSON.stringify(value)} (command line): ${problem}; expected type:jobid`);
    expect(error.details).toMatchObject({ option: '--dependency', value });
  });
});
