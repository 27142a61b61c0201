import { ENV_OPTION_IDS } from './env-options';
import { parse, refusal } from '../../test/sbatch/parse';

describe('precedence: command line > SBATCH_* environment > #SBATCH directives', () => {
  const lines = ['#SBATCH -J from-script -t 10 -p script -A script-acct', 'srun a'];

  it('the environment overrides the script', () => {
    const { spec } = parse({ lines, env: { SBATCH_JOB_NAME: 'from-env', SBATCH_TIMELIMIT: '20' } });
    expect(spec).toMatchObject({ name: 'from-env', timeLimitMinutes: 20, partitions: ['script'], account: 'script-acct' });
  });

  it('the command line overrides both', () => {
    const { spec } = parse({ lines, env: { SBATCH_JOB_NAME: 'from-env', SBATCH_PARTITION: 'env' }, optionArgs: ['-J', 'from-cli', '-t', '30'] });
    expect(spec).toMatchObject({ name: 'from-cli', timeLimitMinutes: 30, partitions: ['env'], account: 'script-acct' });
  });

  it('within one source the last occurrence wins', () => {
    expect(parse({ lines: ['#SBATCH -t 5', '#SBATCH --time=7', 'srun a'] }).spec.timeLimitMinutes).toBe(7);
    expect(parse({ optionArgs: ['-p', 'a', '--partition=b'] }).spec.partitions).toEqual(['b']);
  });

  it('a bad value is refused even when a stronger source overrides it (sbatch parses every source)', () => {
    const error = refusal({ lines: ['#SBATCH --time=soon', 'srun a'], optionArgs: ['--time=5'] });
    expect(error.details).toMatchObject({ option: '--time', line: 2 });
  });

  it('syntax errors on the command line are reported before the script is read', () => {
    expect(refusal({ lines: ['#SBATCH --bogus', 'srun a'], optionArgs: ['--also-bogus'] }).details).toMatchObject({ source: 'command line' });
  });
});

describe('SBATCH_* input environment variables (sbatch(1))', () => {
  it.each<[Record<string, string>, Record<string, unknown>]>([
    [{ SBATCH_ACCOUNT: 'physics' }, { account: 'physics' }],
    [{ SBATCH_ARRAY_INX: '0-3%2' }, { array: { indices: [0, 1, 2, 3], maxConcurrent: 2 } }],
    [{ SBATCH_CONSTRAINT: 'intel' }, { constraint: 'intel' }],
    [{ SBATCH_ERROR: 'err-%j' }, { error: 'err-%j' }],
    [{ SBATCH_EXCLUSIVE: '' }, { exclusive: true }],
    [{ SBATCH_EXCLUSIVE: 'user' }, { exclusive: true, exclusiveScope: 'user' }],
    [{ SBATCH_EXPORT: 'NONE,A=1' }, { export: { mode: 'NONE', vars: { A: '1' } } }],
    [{ SBATCH_GET_USER_ENV: '' }, { getUserEnv: { timeoutSeconds: null, mode: null } }],
    [{ SBATCH_GPUS: 'a100:2' }, { gpus: { count: 2, type: 'a100', per: 'job' } }],
    [{ SBATCH_GPUS_PER_NODE: '2' }, { gpus: { count: 2, type: null, per: 'node' } }],
    [{ SBATCH_GRES: 'gpu:1' }, { gpus: { count: 1, type: null, per: 'node' } }],
    [{ SBATCH_INPUT: 'in.txt' }, { input: 'in.txt' }],
    [{ SBATCH_JOB_NAME: 'env-name' }, { name: 'env-name' }],
    [{ SBATCH_MEM_PER_CPU: '2G' }, { memPerCpuMB: 2048 }],
    [{ SBATCH_MEM_PER_NODE: '8G' }, { memPerNodeMB: 8192 }],
    [{ SBATCH_NO_KILL: '' }, { noKill: true }],
    [{ SBATCH_NO_KILL: 'off' }, { noKill: false }],
    [{ SBATCH_NO_REQUEUE: '1' }, { requeue: false }],
    [{ SBATCH_OPEN_MODE: 'append' }, { openMode: 'append' }],
    [{ SBATCH_OUTPUT: 'out-%j' }, { output: 'out-%j' }],
    [{ SBATCH_PARTITION: 'gpu,batch' }, { partitions: ['gpu', 'batch'] }],
    [{ SBATCH_QOS: 'high' }, { qos: 'high' }],
    [{ SBATCH_REQUEUE: 'yes' }, { requeue: true }],
    [{ SBATCH_RESERVATION: 'maint' }, { reservations: ['maint'] }],
    [{ SBATCH_SIGNAL: 'B:USR1@30' }, { signal: { signal: 'USR1', seconds: 30, batchOnly: true } }],
    [{ SBATCH_TIMELIMIT: '1-0' }, { timeLimitMinutes: 1440 }],
    [{ SBATCH_IGNORE_PBS: '1', SBATCH_DEBUG: '1' }, { name: 'job.sh' }],
  ])('%j', (env, expected) => {
    expect(parse({ env }).spec).toMatchObject(expected);
  });

  it('SBATCH_MEM_PER_GPU needs a GPU request like --mem-per-gpu', () => {
    expect(parse({ env: { SBATCH_MEM_PER_GPU: '4G', SBATCH_GPUS: '1' } }).spec.memPerGpuMB).toBe(4096);
  });

  it.each([
    ['', true],
    ['yes', true],
    ['YES', true],
    ['1', true],
    ['2', true],
    ['0', false],
    ['no', false],
    ['true', false],
  ])('a flag variable (SBATCH_WAIT=%j) is on: %s', (value, on) => {
    expect(parse({ env: { SBATCH_WAIT: value } }).client.wait).toBe(on);
  });

  it('SBATCH_REQUEUE wins over SBATCH_NO_REQUEUE (sbatch applies them in this order)', () => {
    expect(parse({ env: { SBATCH_REQUEUE: '1', SBATCH_NO_REQUEUE: '1' } }).spec.requeue).toBe(true);
  });

  it('variables sbatch does not read are ignored', () => {
    const env = { SBATCH_HOLD: '1', SBATCH_NTASKS: '4', SLURM_NTASKS: '4', SBATCH_COMMENT: 'x', SLURM_EXPORT_ENV: 'NONE' };
    expect(parse({ env }).spec).toMatchObject({ hold: false, ntasks: null, comment: null, export: { mode: 'ALL', vars: {} } });
  });

  it('refuses a variable whose option this gateway does not support, naming the variable', () => {
    const error = refusal({ env: { SBATCH_HINT: 'nomultithread' } });
    expect(error.message).toBe(
      '--hint (SBATCH_HINT environment variable) is not supported by this gateway: it is a valid sbatch option, but this gateway cannot honour it on every engine; remove it from the job',
    );
    expect(error.details).toMatchObject({ variable: 'SBATCH_HINT' });
    expect(refusal({ env: { SLURM_CLUSTERS: 'other' } }).details).toMatchObject({ option: '--clusters', variable: 'SLURM_CLUSTERS' });
  });

  it('an unsupported flag variable that is off is not an error', () => {
    expect(parse({ env: { SBATCH_OVERCOMMIT: 'no' } }).spec.name).toBe('job.sh');
  });

  it('refuses a bad value naming the variable', () => {
    expect(refusal({ env: { SBATCH_EXCLUSIVE: 'yes' } }).message).toBe(
      'invalid --exclusive value "yes" (SBATCH_EXCLUSIVE environment variable): expected --exclusive alone, --exclusive=user or --exclusive=mcs',
    );
    expect(refusal({ env: { SBATCH_DEBUG: 'yes' } }).message).toBe('invalid SBATCH_DEBUG value "yes": expected 0 or 1');
    expect(refusal({ env: { SBATCH_JOB_NAME: '' } }).details).toMatchObject({ option: '--job-name', variable: 'SBATCH_JOB_NAME' });
  });

  it('maps only variables listed in sbatch(1)', () => {
    for (const name of Object.keys(ENV_OPTION_IDS)) expect(name).toMatch(/^(SBATCH_[A-Z0-9_]+|SLURM_CLUSTERS|SLURM_HINT)$/);
    expect(ENV_OPTION_IDS).not.toHaveProperty('SBATCH_HOLD');
  });
});
