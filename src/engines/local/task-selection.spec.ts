import { ErrorCode } from '../../common/domain-error';
import type { JobRecord } from './job-store';
import type { LaunchTask } from './launch-plan';
import { formatIndices, singleTask, tasksNamed } from './task-selection';
import { engineJob } from '../../../test/local-engine/job-fixtures';

const task = (arrayIndex: number | null): LaunchTask => ({
  key: arrayIndex === null ? 'batch' : String(arrayIndex),
  arrayIndex,
  jobId: 5,
  env: {},
  stdout: '/w/out',
  stderr: null,
  stdin: '/dev/null',
});
const record = (indices: number[] | null): JobRecord =>
  ({
    format: 1,
    submittedAt: '',
    job: engineJob(5, '/w', { array: indices ? { indices, maxConcurrent: null } : null }),
    plan: { jobId: 5, engine: 'local', tasks: indices ? indices.map(task) : [task(null)] },
  }) as unknown as JobRecord;

describe('task selection', () => {
  it('formats indices as Slurm ranges', () => {
    expect(formatIndices([0, 1, 2, 3, 7, 9, 10].map(task))).toBe('0-3,7,9-10');
  });

  it('names every task for the whole job, or the one array task', () => {
    expect(tasksNamed(record([0, 1, 2]), null)).toHaveLength(3);
    expect(tasksNamed(record([0, 1, 2]), 1).map((t) => t.key)).toEqual(['1']);
    expect(() => tasksNamed(record([0, 1, 4]), 3)).toThrow('job 5 has no array task 3 on engine local: its array tasks are 0-1,4');
    expect(() => tasksNamed(record(null), 3)).toThrow('it is not a job array');
  });

  it('output needs exactly one task', () => {
    expect(singleTask(record(null), null).key).toBe('batch');
    expect(singleTask(record([2, 3]), 3).key).toBe('3');
    expect(() => singleTask(record([2, 3]), null)).toThrow(expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }));
    expect(() => singleTask(record(null), 0)).toThrow('is not a job array');
  });
});
