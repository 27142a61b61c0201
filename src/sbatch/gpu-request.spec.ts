import { cli, cliRefusal, directiveRefusal, parse } from '../../test/sbatch/parse';

describe('GPU requests', () => {
  it.each([
    [['--gpus=2'], { count: 2, type: null, per: 'job' }],
    [['-G', 'a100:4'], { count: 4, type: 'a100', per: 'job' }],
    [['--gpus-per-node=v100:2'], { count: 2, type: 'v100', per: 'node' }],
    [['--gpus-per-task=1', '-n', '4'], { count: 1, type: null, per: 'task' }],
    [['--gres=gpu'], { count: 1, type: null, per: 'node' }],
    [['--gres=gpu:2'], { count: 2, type: null, per: 'node' }],
    [['--gres=gpu:a100'], { count: 1, type: 'a100', per: 'node' }],
    [['--gres=gpu:a100:2'], { count: 2, type: 'a100', per: 'node' }],
    [['--gres=gpu:tesla_v100-32g:2'], { count: 2, type: 'tesla_v100-32g', per: 'node' }],
    [['--gres=gpu:2', '--gres=gpu:3'], { count: 3, type: null, per: 'node' }],
  ])('%j', (args, gpus) => {
    expect(cli(...args).gpus).toEqual(gpus);
  });

  it('a zero count or --gres=none requests no GPU', () => {
    expect(cli('--gpus=0').gpus).toBeNull();
    expect(cli('--gres=gpu:0').gpus).toBeNull();
    expect(parse({ optionArgs: ['--gres=none'], lines: ['#SBATCH --gres=gpu:2', 'srun a'] }).spec.gpus).toBeNull();
  });

  it('refuses generic resources other than gpu', () => {
    expect(cliRefusal('--gres=mps:100').message).toBe(
      'invalid --gres value "mps:100" (command line): generic resource "mps" is not supported by this gateway: only gpu is; expected gpu[:type][:count] (e.g. gpu:2, gpu:a100:2; count from 0 to 1000000, default 1); only the gpu resource, one type per job',
    );
    expect(cliRefusal('--gres=gpu:1,nvme:1').message).toContain('generic resource "nvme" is not supported by this gateway');
    expect(directiveRefusal('#SBATCH --gres=help').details).toMatchObject({ option: '--gres', value: 'help', line: 2 });
  });

  it.each([
    [['--gpus=a100:2,v100:1'], 'several GPU types in one job are not supported by this gateway'],
    [['--gres=gpu:a100:1,gpu:v100:1'], 'several gpu entries in one job are not supported by this gateway'],
    [['--gpus=-1'], '"-1" is not a GPU count'],
    [['--gpus=x:y:2'], 'expected [type:]count'],
    [['--gpus=2k'], '"2k" is not a GPU count'],
    [['--gres=gpu:a100:x'], '"x" is not a GPU count'],
    [['--gres=gpu:a b'], '"a b" is not a GPU type name'],
    [['--gpus=2000000'], '2000000 GPUs is more than the maximum of 1000000'],
    [['--gres=gpu:1m'], '1048576 GPUs is more than the maximum of 1000000'],
  ])('%j is refused', (args, problem) => {
    expect(cliRefusal(...args).message).toContain(problem);
  });

  it('honours Slurm\'s k/m/g/t/p multipliers in --gres counts', () => {
    expect(cli('--gres=gpu:1k').gpus).toEqual({ count: 1024, type: null, per: 'node' });
  });

  it('takes one GPU request per source; a stronger source replaces a weaker one', () => {
    expect(cliRefusal('--gpus=2', '--gpus-per-node=1').message).toBe(
      '--gpus-per-node=1 (command line) and --gpus=2 (command line) both request GPUs; this gateway takes one GPU request per job (--gpus, --gpus-per-node, --gpus-per-task or --gres=gpu): give only one of them',
    );
    expect(parse({ optionArgs: ['--gpus=4'], lines: ['#SBATCH --gres=gpu:a100:2', 'srun a'] }).spec.gpus).toEqual({ count: 4, type: null, per: 'job' });
    expect(parse({ env: { SBATCH_GPUS_PER_NODE: '1' }, lines: ['#SBATCH --gres=gpu:2', 'srun a'] }).spec.gpus).toEqual({ count: 1, type: null, per: 'node' });
  });

  it('--gpus-per-task needs a task count', () => {
    expect(cliRefusal('--gpus-per-task=1').message).toBe(
      '--gpus-per-task=1 (command line) counts GPUs per task, but the job gives no task count: expected -n/--ntasks together with --gpus-per-task',
    );
  });
});
