import { parseBatchScript } from './parse-batch-script';
import { LIMITS, NOW } from '../../test/sbatch/parse';

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).toISOString();

describe('real-world scripts parse to their full JobSpec', () => {
  it('an MPI job', () => {
    const script = `#!/bin/bash -l
#
# Weather model, 4 nodes x 32 ranks.
#SBATCH --job-name=wrf-d01
#SBATCH --account=climate
#SBATCH --partition=batch,long
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=32
#SBATCH --ntasks=128
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=1800M
#SBATCH --time=1-12:00:00
#SBATCH --output=logs/%x-%j.out     # stdout and stderr together
#SBATCH --mail-type=END,FAIL
#SBATCH --mail-user=ada@example.org
#SBATCH --exclusive
#SBATCH --constraint="ib&avx512"

module purge
module load intel/2023 openmpi/4.1
srun --mpi=pmix ./wrf.exe
`;
    const { spec, client, warnings } = parseBatchScript(
      { script, optionArgs: ['--qos=normal'], scriptArgs: [], env: { HOME: '/home/ada', USER: 'ada' }, scriptName: '/home/ada/wrf/run_wrf.sbatch', now: NOW },
      LIMITS,
    );
    expect(warnings).toEqual([]);
    expect(client).toEqual({ parsable: false, wait: false, testOnly: false, json: false, quiet: false });
    expect(spec).toEqual({
      name: 'wrf-d01',
      partitions: ['batch', 'long'],
      timeLimitMinutes: 2160,
      timeMinMinutes: null,
      nodes: { min: 4, max: 4 },
      ntasks: 128,
      ntasksPerNode: 32,
      cpusPerTask: 1,
      memPerNodeMB: null,
      memPerCpuMB: 1800,
      memPerGpuMB: null,
      gpus: null,
      array: null,
      dependency: null,
      output: 'logs/%x-%j.out',
      error: null,
      input: null,
      workdir: null,
      openMode: null,
      export: { mode: 'ALL', vars: {} },
      environment: { HOME: '/home/ada', USER: 'ada' },
      account: 'climate',
      qos: 'normal',
      constraint: 'ib&avx512',
      comment: null,
      exclusive: true,
      requeue: null,
      hold: false,
      begin: null,
      deadline: null,
      signal: null,
      mailType: ['END', 'FAIL'],
      mailUser: 'ada@example.org',
      nice: null,
      scriptArgs: [],
      script,
    });
  });

  it('an array job with a throttle, a dependency and a begin time', () => {
    const script = `#!/bin/sh
#SBATCH -J sweep
#SBATCH -a 0-99:3%10
#SBATCH -t 30 -c 2 --mem=4G
#SBATCH -o out/sweep_%A_%a.log -e out/sweep_%A_%a.err --open-mode=append
#SBATCH -d afterok:4242_7?afterany:4243
#SBATCH --begin=tomorrow-02:00 --requeue
#SBATCH --export=ALL,OMP_NUM_THREADS=2
python3 sweep.py --case "$SLURM_ARRAY_TASK_ID"
`;
    const { spec } = parseBatchScript(
      { script, optionArgs: ['-p', 'short'], scriptArgs: ['--fast'], env: { SBATCH_ACCOUNT: 'bio' }, scriptName: 'sweep.sh', now: NOW },
      LIMITS,
    );
    expect(spec).toEqual({
      name: 'sweep',
      partitions: ['short'],
      timeLimitMinutes: 30,
      timeMinMinutes: null,
      nodes: null,
      ntasks: null,
      ntasksPerNode: null,
      cpusPerTask: 2,
      memPerNodeMB: 4096,
      memPerCpuMB: null,
      memPerGpuMB: null,
      gpus: null,
      array: { indices: Array.from({ length: 34 }, (_, i) => i * 3), maxConcurrent: 10 },
      dependency: {
        mode: 'any',
        items: [
          { type: 'afterok', jobIds: [4242], arrayTaskIds: [7], delayMinutes: null },
          { type: 'afterany', jobIds: [4243], arrayTaskIds: [null], delayMinutes: null },
        ],
      },
      output: 'out/sweep_%A_%a.log',
      error: 'out/sweep_%A_%a.err',
      input: null,
      workdir: null,
      openMode: 'append',
      export: { mode: 'ALL', vars: { OMP_NUM_THREADS: '2' } },
      environment: { SBATCH_ACCOUNT: 'bio' },
      account: 'bio',
      qos: null,
      constraint: null,
      comment: null,
      exclusive: false,
      requeue: true,
      hold: false,
      begin: local(2026, 11, 22, 2),
      deadline: null,
      signal: null,
      mailType: [],
      mailUser: null,
      nice: null,
      scriptArgs: ['--fast'],
      script,
    });
  });

  it('a GPU training job', () => {
    const script = `#!/usr/bin/env bash
#SBATCH --job-name="train resnet"
#SBATCH --gres=gpu:a100:4
#SBATCH --ntasks=4 --cpus-per-task=8
#SBATCH --mem=0
#SBATCH --time=2-00:00:00
#SBATCH --signal=B:USR1@300
#SBATCH --chdir=/scratch/ada/resnet
#SBATCH --output=train-%j.log
#SBATCH --comment="checkpoint every hour"
#SBATCH --no-requeue

trap 'echo checkpoint; touch STOP' USR1
srun python train.py &
wait
`;
    const { spec, client } = parseBatchScript(
      { script, optionArgs: ['--parsable', '--hold'], scriptArgs: [], env: {}, scriptName: null, now: NOW },
      LIMITS,
    );
    expect(client.parsable).toBe(true);
    expect(spec).toEqual({
      name: 'train resnet',
      partitions: [],
      timeLimitMinutes: 2880,
      timeMinMinutes: null,
      nodes: null,
      ntasks: 4,
      ntasksPerNode: null,
      cpusPerTask: 8,
      memPerNodeMB: 0,
      memPerCpuMB: null,
      memPerGpuMB: null,
      gpus: { count: 4, type: 'a100', per: 'node' },
      array: null,
      dependency: null,
      output: 'train-%j.log',
      error: null,
      input: null,
      workdir: '/scratch/ada/resnet',
      openMode: null,
      export: { mode: 'ALL', vars: {} },
      environment: {},
      account: null,
      qos: null,
      constraint: null,
      comment: 'checkpoint every hour',
      exclusive: false,
      requeue: false,
      hold: true,
      begin: null,
      deadline: null,
      signal: { signal: 'USR1', seconds: 300, batchOnly: true },
      mailType: [],
      mailUser: null,
      nice: null,
      scriptArgs: [],
      script,
    });
  });
});
