import { expandFilenamePattern, FilenameContext, NO_ARRAY_INDEX, resolveOutputPath } from './filename-pattern';

const plain: FilenameContext = { jobId: 128, arrayJobId: 128, arrayIndex: null, jobName: 'train', user: 'alice', host: 'node7' };
const arrayTask: FilenameContext = { jobId: 131, arrayJobId: 128, arrayIndex: 3, jobName: 'sweep', user: 'alice', host: 'node7' };

describe('expandFilenamePattern', () => {
  it.each([
    ['slurm-%j.out', plain, 'slurm-128.out'],
    ['slurm-%A_%a.out', arrayTask, 'slurm-128_3.out'],
    ['%j-%J.log', arrayTask, '131-131.log'],
    ['%x.%u.%N.out', plain, 'train.alice.node7.out'],
    ['n%n-t%t-s%s', plain, 'n0-t0-sbatch'],
    ['100%%-%j', plain, '100%-128'],
    ['%%j', plain, '%j'],
  ])('%s expands like Slurm', (pattern, ctx, expected) => {
    expect(expandFilenamePattern(pattern, ctx)).toBe(expected);
  });

  it('zero-pads numeric fields and ignores padding for text fields', () => {
    expect(expandFilenamePattern('job%5j-%3a-%2x', arrayTask)).toBe('job00131-003-sweep');
    expect(expandFilenamePattern('%4A_%b', { ...arrayTask, arrayIndex: 17 })).toBe('0128_7');
  });

  it('caps padding at 10 digits', () => {
    expect(expandFilenamePattern('%12j', plain)).toBe('0000000128');
  });

  it('gives %A the job id and %a NO_VAL outside an array, as Slurm does', () => {
    expect(expandFilenamePattern('%A-%a', plain)).toBe(`128-${NO_ARRAY_INDEX}`);
  });

  it('keeps unknown specifiers and a trailing % verbatim', () => {
    expect(expandFilenamePattern('a%qb%', plain)).toBe('a%qb%');
  });

  it('turns expansion off when the pattern has a backslash, dropping the backslashes', () => {
    expect(expandFilenamePattern('out\\_%j.txt', plain)).toBe('out_%j.txt');
    expect(expandFilenamePattern('a\\\\b-%j', plain)).toBe('a\\b-%j');
  });
});

describe('resolveOutputPath', () => {
  it('resolves relative patterns against the working directory and keeps absolute ones', () => {
    expect(resolveOutputPath('logs/%j.out', plain, '/home/alice/run')).toBe('/home/alice/run/logs/128.out');
    expect(resolveOutputPath('/scratch/%u/%j.out', plain, '/home/alice/run')).toBe('/scratch/alice/128.out');
  });
});
