import { parseMemoryMB } from './memory';
import { cli, cliRefusal, directiveRefusal, parse, refusal } from '../../test/sbatch/parse';

describe('memory grammar (--mem, --mem-per-cpu, --mem-per-gpu)', () => {
  it.each([
    ['100', 100],
    ['1G', 1024],
    ['1g', 1024],
    ['1GB', 1024],
    ['2T', 2 * 1024 * 1024],
    ['1024K', 1],
    ['1025K', 2],
    ['1k', 1],
    ['512M', 512],
    ['512m', 512],
    ['+5', 5],
    ['007', 7],
    ['0', 0],
    ['0G', 0],
  ])('%s → %i MB', (value, mb) => {
    expect(parseMemoryMB(value)).toBe(mb);
  });

  it.each(['1.5G', '1P', '-1', '1 G', '', '1e3', '0x10', '5B', '1Gfoo', '1MiB', ' 5'])('%j is refused', (value) => {
    expect(() => parseMemoryMB(value)).toThrow(`invalid memory size ${JSON.stringify(value)}: expected a size in megabytes with an optional K, M, G or T suffix`);
  });

  it('refuses absurd sizes with the maximum', () => {
    expect(() => parseMemoryMB('99999999999T')).toThrow('expected at most 1073741824 MB (1024T)');
    expect(() => parseMemoryMB('2048T')).toThrow(/2147483648 MB exceeds the maximum/);
  });

  it('--mem=0 means all memory of the node', () => {
    expect(cli('--mem=0').memPerNodeMB).toBe(0);
  });

  it('per-CPU and per-GPU memory must be at least 1 MB', () => {
    expect(cliRefusal('--mem-per-cpu=0').message).toBe(
      'invalid --mem-per-cpu value "0" (command line): expected at least 1 MB; only --mem=0 means all memory of the node',
    );
  });

  it('names option and line for a bad size', () => {
    expect(directiveRefusal('#SBATCH --mem=lots').details).toMatchObject({ option: '--mem', value: 'lots', line: 2 });
  });
});

describe('memory options are mutually exclusive within one source', () => {
  it('refuses two kinds on the command line with Slurm\'s text', () => {
    expect(cliRefusal('--mem=1G', '--mem-per-cpu=2G').message).toBe(
      '--mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive: --mem-per-cpu=2G (command line) conflicts with --mem=1G (command line); give only one of them',
    );
  });

  it('refuses two kinds in one script, naming both lines', () => {
    const error = directiveRefusal('#SBATCH --mem-per-gpu=8G', '#SBATCH -J x', '#SBATCH --mem=10G');
    expect(error.message).toBe(
      '--mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive: --mem=10G (script line 4) conflicts with --mem-per-gpu=8G (script line 2); give only one of them',
    );
    expect(error.details).toMatchObject({ line: 4, option: '--mem' });
  });

  it('refuses two SBATCH_MEM_* variables', () => {
    expect(refusal({ env: { SBATCH_MEM_PER_CPU: '5', SBATCH_MEM_PER_NODE: '7' } }).message).toMatch(
      /^SBATCH_MEM_PER_CPU, SBATCH_MEM_PER_GPU, and SBATCH_MEM_PER_NODE are mutually exclusive: /,
    );
  });

  it('the same option repeated is fine: the last wins', () => {
    expect(cli('--mem=1G', '--mem=2G').memPerNodeMB).toBe(2048);
  });

  it('a stronger source replaces a weaker source\'s other memory option', () => {
    const overridden = parse({ optionArgs: ['--mem-per-cpu=2G'], env: { SBATCH_MEM_PER_NODE: '10G' }, lines: ['#SBATCH --mem-per-gpu=1G', 'srun a'] }).spec;
    expect(overridden).toMatchObject({ memPerNodeMB: null, memPerCpuMB: 2048, memPerGpuMB: null });
    const fromEnv = parse({ env: { SBATCH_MEM_PER_NODE: '10G' }, lines: ['#SBATCH --mem-per-cpu=1G', 'srun a'] }).spec;
    expect(fromEnv).toMatchObject({ memPerNodeMB: 10240, memPerCpuMB: null });
  });

  it('--mem-per-gpu needs a GPU request', () => {
    expect(cliRefusal('--mem-per-gpu=4G').message).toBe(
      '--mem-per-gpu=4G (command line) asks for memory per GPU, but the job requests no GPU: expected a GPU request (--gpus, --gpus-per-node, --gpus-per-task or --gres=gpu) with --mem-per-gpu',
    );
    expect(cli('--mem-per-gpu=4G', '--gpus=2')).toMatchObject({ memPerGpuMB: 4096, gpus: { count: 2, type: null, per: 'job' } });
  });
});
