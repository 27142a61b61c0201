import { buildJobEnvironment, buildTaskEnvironment, JobEnvironmentInput, LOGIN_PATH } from './job-environment';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import type { JobSpec } from '../../domain/job';

function input(spec: Partial<JobSpec>, extra: Partial<JobEnvironmentInput> = {}): JobEnvironmentInput {
  const job = engineJob(500, '/home/alice/run', spec, {
    owner: { username: 'alice', uid: 1001, gid: 1001, groups: [], home: '/home/alice' },
    partition: 'debug',
    submitDir: '/home/alice',
    submitHost: 'login1',
  });
  return {
    job,
    host: 'node7',
    clusterName: 'hpcg',
    srunDir: '/var/lib/hpcg/local/bin',
    user: 'alice',
    uid: 1001,
    gid: 1001,
    home: '/home/alice',
    loginShell: '/bin/bash',
    ntasks: 1,
    cpusOnNode: 1,
    hostMemoryMB: 8000,
    ...extra,
  };
}

describe('buildJobEnvironment', () => {
  it('exports the submitter environment by default, with the SLURM_* set a script reads', () => {
    const env = buildJobEnvironment(input({ environment: { MY_VAR: 'x', PATH: '/opt/bin:/usr/bin', HOME: '/home/alice' }, cpusPerTask: 2 }, { cpusOnNode: 2 }));
    expect(env).toMatchObject({
      MY_VAR: 'x',
      SLURM_JOB_NAME: 'test.sh',
      SLURM_JOB_PARTITION: 'debug',
      SLURM_JOB_USER: 'alice',
      SLURM_JOB_UID: '1001',
      SLURM_JOB_GID: '1001',
      SLURM_SUBMIT_DIR: '/home/alice',
      SLURM_SUBMIT_HOST: 'login1',
      SLURM_CLUSTER_NAME: 'hpcg',
      SLURM_JOB_NODELIST: 'node7',
      SLURM_NODELIST: 'node7',
      SLURM_JOB_NUM_NODES: '1',
      SLURM_NNODES: '1',
      SLURM_NTASKS: '1',
      SLURM_NPROCS: '1',
      SLURM_TASKS_PER_NODE: '1',
      SLURM_CPUS_PER_TASK: '2',
      SLURM_CPUS_ON_NODE: '2',
      SLURM_JOB_CPUS_PER_NODE: '2',
      SLURM_NODEID: '0',
      SLURM_PROCID: '0',
      SLURM_LOCALID: '0',
      SLURMD_NODENAME: 'node7',
      SLURM_EXPORT_ENV: 'ALL',
      ENVIRONMENT: 'BATCH',
      PATH: '/var/lib/hpcg/local/bin:/opt/bin:/usr/bin',
    });
    // Only what was asked for.
    expect(env).not.toHaveProperty('SLURM_JOB_ACCOUNT');
    expect(env).not.toHaveProperty('SLURM_MEM_PER_NODE');
    expect(env).not.toHaveProperty('SLURM_ARRAY_JOB_ID');
  });

  it('--export=NONE,FOO=bar gives a login-like environment plus FOO, without the submitter variables', () => {
    const env = buildJobEnvironment(
      input({ export: { mode: 'NONE', vars: { FOO: 'bar' } }, environment: { SECRET: 's', PATH: '/opt/bin', HOME: '/elsewhere' } }),
    );
    expect(env.FOO).toBe('bar');
    expect(env).not.toHaveProperty('SECRET');
    expect(env).toMatchObject({ HOME: '/home/alice', USER: 'alice', LOGNAME: 'alice', SHELL: '/bin/bash', PATH: `/var/lib/hpcg/local/bin:${LOGIN_PATH}` });
    expect(env.SLURM_EXPORT_ENV).toBe('NONE,FOO=bar');
  });

  it('a name without a value takes the submitter value, and is left out when the submitter had none', () => {
    const env = buildJobEnvironment(input({ export: { mode: 'NIL', vars: { KEEP: null, MISSING: null } }, environment: { KEEP: 'k', OTHER: 'o' } }));
    expect(env.KEEP).toBe('k');
    expect(env).not.toHaveProperty('MISSING');
    expect(env).not.toHaveProperty('OTHER');
    expect(env.SLURM_EXPORT_ENV).toBe('NIL,KEEP,MISSING');
  });

  it('drops SLURM_* inherited from a submitter that was itself a job, and overrides HOME with the owner home', () => {
    const env = buildJobEnvironment(input({ environment: { SLURM_ARRAY_TASK_ID: '9', SLURM_JOB_ID: '1', SLURM_CONF: '/etc/slurm.conf', HOME: '/root' } }));
    expect(env).not.toHaveProperty('SLURM_ARRAY_TASK_ID');
    expect(env.SLURM_CONF).toBe('/etc/slurm.conf');
    expect(env.HOME).toBe('/home/alice');
  });

  it('sets account, QOS, memory and GPU variables when they are requested', () => {
    const env = buildJobEnvironment(
      input({ account: 'proj1', qos: 'high', memPerCpuMB: 500, ntasksPerNode: 2, gpus: { count: 2, type: 'a100', per: 'node' } }),
    );
    expect(env).toMatchObject({ SLURM_JOB_ACCOUNT: 'proj1', SLURM_JOB_QOS: 'high', SLURM_MEM_PER_CPU: '500', SLURM_NTASKS_PER_NODE: '2', SLURM_GPUS_PER_NODE: 'a100:2' });
    expect(buildJobEnvironment(input({ memPerNodeMB: 0 })).SLURM_MEM_PER_NODE).toBe('8000');
  });

  it('describes the whole array: count, min, max and step', () => {
    const spec = { array: { indices: [1, 3, 5, 7], maxConcurrent: 2 } };
    expect(buildJobEnvironment(input(spec))).toMatchObject({
      SLURM_ARRAY_JOB_ID: '500',
      SLURM_ARRAY_TASK_COUNT: '4',
      SLURM_ARRAY_TASK_MIN: '1',
      SLURM_ARRAY_TASK_MAX: '7',
      SLURM_ARRAY_TASK_STEP: '2',
    });
    expect(buildJobEnvironment(input({ array: { indices: [0, 1, 5], maxConcurrent: null } })).SLURM_ARRAY_TASK_STEP).toBe('1');
  });
});

describe('buildTaskEnvironment', () => {
  it('gives an array task its own job id and its index', () => {
    const job = engineJob(500, '/w', { array: { indices: [0, 1], maxConcurrent: null } });
    expect(buildTaskEnvironment(job, { index: 1, rawId: 501 })).toEqual({ SLURM_JOB_ID: '501', SLURM_JOBID: '501', SLURM_ARRAY_TASK_ID: '1' });
    expect(buildTaskEnvironment(engineJob(42, '/w'), null)).toEqual({ SLURM_JOB_ID: '42', SLURM_JOBID: '42' });
  });
});
