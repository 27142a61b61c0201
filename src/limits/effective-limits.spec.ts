import { effectiveLimits, exceedsAlone, runningBlock } from './effective-limits';
import { footprint, jobGpus } from './job-footprint';

const site = {
  default: { maxQueued: 100, maxRunning: 10, maxGpus: 4 },
  groups: { students: { maxRunning: 2, maxGpus: 1 }, power: { maxRunning: 50 } },
};

describe('limits', () => {
  it('a group limit replaces the default for its members; of several groups the most generous wins', () => {
    expect(effectiveLimits(site, [])).toEqual({ maxQueued: 100, maxRunning: 10, maxGpus: 4 });
    expect(effectiveLimits(site, ['students'])).toEqual({ maxQueued: 100, maxRunning: 2, maxGpus: 1 });
    expect(effectiveLimits(site, ['students', 'power'])).toEqual({ maxQueued: 100, maxRunning: 50, maxGpus: 1 });
    expect(effectiveLimits({ default: {}, groups: {} }, ['x'])).toEqual({});
  });

  it('running caps give the Slurm reason of the first limit reached', () => {
    const limits = { maxRunning: 2, maxCpus: 8, maxGpus: 1 };
    expect(runningBlock(limits, { jobs: 1, cpus: 4, gpus: 0 }, { jobs: 1, cpus: 4, gpus: 1 })).toBeNull();
    expect(runningBlock(limits, { jobs: 2, cpus: 2, gpus: 0 }, { jobs: 1, cpus: 1, gpus: 0 })).toBe('QOSMaxJobsPerUserLimit');
    expect(runningBlock(limits, { jobs: 1, cpus: 6, gpus: 0 }, { jobs: 1, cpus: 4, gpus: 0 })).toBe('QOSMaxCpuPerUserLimit');
    expect(runningBlock(limits, { jobs: 1, cpus: 0, gpus: 1 }, { jobs: 1, cpus: 1, gpus: 1 })).toBe('QOSMaxGRESPerUser');
    expect(exceedsAlone(limits, { jobs: 1, cpus: 9, gpus: 0 })).toEqual({ limit: 'maxCpus', asked: 9, allowed: 8 });
  });

  it('counts GPUs per job, node or task, and an array job as the tasks that may run at once', () => {
    expect(jobGpus({ gpus: { count: 2, type: null, per: 'node' }, nodes: { min: 3, max: 3 }, ntasks: null })).toBe(6);
    expect(jobGpus({ gpus: { count: 1, type: 'a100', per: 'task' }, nodes: null, ntasks: 4 })).toBe(4);
    expect(jobGpus({ gpus: null, nodes: null, ntasks: 4 })).toBe(0);
    expect(footprint({ cpus: 2, gpus: 1, openTasks: 10, maxConcurrent: 3 })).toEqual({ jobs: 3, cpus: 6, gpus: 3 });
    expect(footprint({ cpus: 2, gpus: 0, openTasks: null, maxConcurrent: null })).toEqual({ jobs: 1, cpus: 2, gpus: 0 });
  });
});
