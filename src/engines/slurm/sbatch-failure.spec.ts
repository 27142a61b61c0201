import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';
import { sbatchFailure } from './sbatch-failure';

describe('sbatchFailure: what a failed sbatch means for the job', () => {
  it.each([
    'sbatch: error: Batch job submission failed: Invalid partition name specified',
    'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified',
    'sbatch: error: invalid partition specified: nope',
    'sbatch: warning: something\nsbatch: error: Batch job submission failed: Requested node configuration is not available',
  ])('Slurm refusing the job fails it with Slurm\'s words: %s', (stderr) => {
    const e = sbatchFailure('hpc', 12, `${stderr}\n`, 1);
    expect(e).toBeInstanceOf(EngineRefusedError);
    expect(e).toMatchObject({ engine: 'hpc', jobId: 12 });
    expect(e.message).toBe(`Slurm refused job 12 on engine hpc: ${stderr}`);
  });

  it.each([
    'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
    'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation',
    'sbatch: error: slurm_persist_conn_open_without_init: failed to open persistent connection',
  ])('slurmctld out of reach is unavailable: %s', (stderr) => {
    expect(sbatchFailure('hpc', 12, stderr, 1)).toBeInstanceOf(EngineUnavailableError);
  });

  it.each([
    ['sudo: a password is required', 1],
    ['', 255],
    ['ssh: connect to host login1 port 22: Connection timed out', 255],
  ])('a failure before sbatch ran is not a refusal: %j', (stderr, code) => {
    const e = sbatchFailure('hpc', 12, stderr, code);
    expect(e).toBeInstanceOf(EngineUnavailableError);
    expect(e.message).toContain(stderr || `sbatch exited with ${code}`);
  });
});
