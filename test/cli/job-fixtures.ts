/**
 * Gateway jobs for formatter and client tests. `at(h, m, s)` builds local times on 2026-11-21 so the
 * expected Slurm text (local time) does not depend on the machine's time zone. The scenario mirrors
 * jobs run on a real Slurm 22.05 whose squeue/sacct output the specs compare against.
 */
import type { GatewayArrayTask, GatewayJob, GatewayPartition } from '../../src/cli/gateway-types';

export const at = (h: number, m: number, s: number) => new Date(2026, 10, 21, h, m, s);
export const iso = (h: number, m: number, s: number) => at(h, m, s).toISOString();

export function makeJob(overrides: Partial<GatewayJob> & Pick<GatewayJob, 'id'>): GatewayJob {
  return {
    name: 'job',
    user: 'root',
    account: 'root',
    partition: 'debug',
    engine: 'local',
    state: 'PENDING',
    reason: null,
    exitCode: null,
    signal: null,
    submitTime: iso(16, 29, 0),
    eligibleTime: iso(16, 29, 0),
    startTime: null,
    endTime: null,
    timeLimitMinutes: null,
    nodes: 1,
    cpus: 1,
    nodeList: null,
    workdir: '/tmp/cli-slurm',
    stdoutPath: null,
    stderrPath: null,
    isArray: false,
    arrayMaxConcurrent: null,
    arrayTasks: [],
    dependency: null,
    comment: null,
    ...overrides,
  };
}

export function makeTask(index: number, rawId: number, overrides: Partial<GatewayArrayTask> = {}): GatewayArrayTask {
  return { index, rawId, state: 'PENDING', reason: null, exitCode: null, signal: null, startTime: null, endTime: null, nodeList: null, ...overrides };
}

export function makePartition(overrides: Partial<GatewayPartition> & Pick<GatewayPartition, 'name'>): GatewayPartition {
  return {
    engine: 'laptop',
    engineKind: 'local',
    default: false,
    state: 'up',
    maxTimeMinutes: 60,
    nodes: 1,
    cpus: 2,
    memoryMB: 4000,
    gpus: 0,
    nodeList: 'vm',
    allowGroups: [],
    ...overrides,
  };
}

/** The queue of the squeue experiment, observed at 16:29:03. */
export function queueScenario(): GatewayJob[] {
  return [
    makeJob({ id: 1, name: 'a_very_long_job_name_here', state: 'RUNNING', startTime: iso(16, 29, 0), nodeList: 'vm' }),
    makeJob({
      id: 2,
      name: 'arr',
      isArray: true,
      arrayMaxConcurrent: 1,
      reason: 'Resources',
      arrayTasks: [1, 2, 3, 4, 5].map((i) => makeTask(i, i === 5 ? 2 : 100 + i, { reason: 'Resources' })),
    }),
    makeJob({ id: 3, name: 'big', cpus: 2, reason: 'Priority' }),
    makeJob({ id: 4, name: 'held', state: 'HELD', reason: 'JobHeldUser', eligibleTime: null }),
    makeJob({ id: 5, name: 'dep', reason: 'Dependency', timeLimitMinutes: 5, dependency: 'afterok:1' }),
    makeJob({ id: 6, name: 'fail', partition: 'long', reason: 'PartitionTimeLimit', timeLimitMinutes: 3060 }),
  ];
}

export const scenarioPartitions = (): GatewayPartition[] => [
  makePartition({ name: 'debug', default: true, maxTimeMinutes: 60 }),
  makePartition({ name: 'long', maxTimeMinutes: 2880 }),
];

/** The jobs of the sacct experiment, seen at 16:30:36 (job 13 has run for a second). */
export function accountingScenario(): GatewayJob[] {
  const base = { submitTime: iso(16, 30, 28), eligibleTime: iso(16, 30, 28), nodeList: 'vm' };
  return [
    makeJob({ ...base, id: 8, name: 'ok', state: 'COMPLETED', exitCode: 0, startTime: iso(16, 30, 28), endTime: iso(16, 30, 29) }),
    makeJob({ ...base, id: 9, name: 'fail', state: 'FAILED', exitCode: 3, startTime: iso(16, 30, 30), endTime: iso(16, 30, 30) }),
    makeJob({ ...base, id: 10, name: 'sig', state: 'FAILED', exitCode: 0, signal: 9, startTime: iso(16, 30, 31), endTime: iso(16, 30, 31) }),
    makeJob({
      ...base,
      id: 11,
      name: 'cxl',
      state: 'CANCELLED',
      exitCode: 0,
      comment: 'hello world',
      startTime: iso(16, 30, 32),
      endTime: iso(16, 30, 33),
      events: [
        { at: iso(16, 30, 28), arrayIndex: null, fromState: null, toState: 'PENDING', reason: null, actor: 'user:root' },
        { at: iso(16, 30, 32), arrayIndex: null, fromState: 'PENDING', toState: 'RUNNING', reason: null, actor: 'engine:local' },
        { at: iso(16, 30, 33), arrayIndex: null, fromState: 'RUNNING', toState: 'CANCELLED', reason: 'cancelled', actor: 'user:root' },
      ],
    }),
    makeJob({
      ...base,
      id: 12,
      name: 'arr',
      state: 'FAILED',
      isArray: true,
      arrayTasks: [
        makeTask(1, 16, { state: 'FAILED', exitCode: 1, startTime: iso(16, 30, 33), endTime: iso(16, 30, 33), nodeList: 'vm' }),
        makeTask(2, 17, { state: 'FAILED', exitCode: 2, startTime: iso(16, 30, 33), endTime: iso(16, 30, 33), nodeList: 'vm' }),
        makeTask(3, 12, { state: 'FAILED', exitCode: 3, startTime: iso(16, 30, 34), endTime: iso(16, 30, 34), nodeList: 'vm' }),
      ],
    }),
    makeJob({ ...base, id: 13, name: 'to', state: 'RUNNING', timeLimitMinutes: 1, startTime: iso(16, 30, 35) }),
    makeJob({ ...base, id: 15, name: 'longname_abcdefghijk', state: 'PENDING', reason: 'Resources', nodeList: null }),
  ];
}
