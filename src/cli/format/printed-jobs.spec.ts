import { makeJob, makeTask, iso } from '../../../test/cli/job-fixtures';
import { formatIndexRanges } from './index-ranges';
import { arrayTaskText, collapseTaskSets, expandJob, expandJobs, jobIdText } from './printed-jobs';

describe('formatIndexRanges (bit_fmt)', () => {
  it.each([
    [[1, 2, 3, 5, 7, 8, 9], '1-3,5,7-9'],
    [[4], '4'],
    [[2, 3], '2-3'],
    [[9, 1, 1, 2], '1-2,9'],
    [[], ''],
  ])('%j -> %s', (indices, text) => expect(formatIndexRanges(indices)).toBe(text));
});

describe('array task records', () => {
  const array = makeJob({
    id: 19,
    name: 'thr',
    isArray: true,
    arrayMaxConcurrent: 2,
    arrayTasks: [
      makeTask(1, 22, { state: 'PENDING', reason: 'Resources' }),
      makeTask(0, 20, { state: 'RUNNING', startTime: iso(16, 32, 33), nodeList: 'vm' }),
      ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => makeTask(i, i === 9 ? 19 : 30 + i, { reason: i === 9 ? 'JobArrayTaskLimit' : 'Resources' })),
    ],
  });

  it('expands an array into one record per task in index order, each with its own raw id', () => {
    const records = expandJob(array);
    expect(records.map(jobIdText)).toEqual(['19_0', '19_1', '19_2', '19_3', '19_4', '19_5', '19_6', '19_7', '19_8', '19_9']);
    expect(records[0].rawId).toBe(20);
    expect(records[9].rawId).toBe(19);
  });

  it('collapses pending tasks into one N_[ranges%throttle] record placed at the first of them', () => {
    const collapsed = collapseTaskSets(expandJob(array), (r) => (r.state === 'PENDING' ? 'pending' : null));
    expect(collapsed.map(jobIdText)).toEqual(['19_0', '19_[1-9%2]']);
    expect(arrayTaskText(collapsed[1])).toBe('1-9%2');
    expect(collapsed[1].rawId).toBe(19);
    expect(collapsed[1].reason).toBe('Resources,JobArrayTaskLimit');
  });

  it('leaves a single pending task as a plain task record', () => {
    const job = makeJob({ id: 7, isArray: true, arrayTasks: [makeTask(1, 8, { state: 'RUNNING' }), makeTask(2, 7)] });
    const collapsed = collapseTaskSets(expandJob(job), (r) => (r.state === 'PENDING' ? 'pending' : null));
    expect(collapsed.map(jobIdText)).toEqual(['7_1', '7_2']);
  });

  it('writes sparse sets with commas and omits the throttle when there is none', () => {
    const job = makeJob({ id: 3, isArray: true, arrayTasks: [1, 2, 3, 7, 10].map((i) => makeTask(i, 100 + i)) });
    const collapsed = collapseTaskSets(expandJob(job), () => 'all');
    expect(collapsed.map(jobIdText)).toEqual(['3_[1-3,7,10]']);
  });

  it('keeps groups apart: tasks of other jobs and other groups are not merged', () => {
    const a = makeJob({ id: 1, isArray: true, arrayTasks: [makeTask(0, 1), makeTask(1, 11)] });
    const b = makeJob({ id: 2, isArray: true, arrayTasks: [makeTask(0, 2), makeTask(1, 21, { state: 'CANCELLED' })] });
    const collapsed = collapseTaskSets(expandJobs([a, b]), (r) => r.state);
    expect(collapsed.map(jobIdText)).toEqual(['1_[0-1]', '2_0', '2_1']);
  });

  it('shows a plain job as its id with N/A for the task', () => {
    const [r] = expandJob(makeJob({ id: 42 }));
    expect(jobIdText(r)).toBe('42');
    expect(arrayTaskText(r)).toBe('N/A');
  });
});
