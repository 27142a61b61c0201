import { LONG_OPTIONS } from './option-table';
import { cli, cliRefusal, directiveRefusal, directives, parse } from '../../test/sbatch/parse';

describe('--signal=[{R|B}:]sig[@time]', () => {
  it.each([
    ['USR1', { signal: 'USR1', seconds: 60, batchOnly: false }],
    ['SIGUSR1', { signal: 'USR1', seconds: 60, batchOnly: false }],
    ['usr2@30', { signal: 'USR2', seconds: 30, batchOnly: false }],
    ['10', { signal: 'USR1', seconds: 60, batchOnly: false }],
    ['64@5', { signal: '64', seconds: 5, batchOnly: false }],
    ['B:TERM@120', { signal: 'TERM', seconds: 120, batchOnly: true }],
    ['B:10@20', { signal: 'USR1', seconds: 20, batchOnly: true }],
    ['USR1@', { signal: 'USR1', seconds: 0, batchOnly: false }],
    ['XCPU@65535', { signal: 'XCPU', seconds: 65535, batchOnly: false }],
  ])('%s', (value, signal) => {
    expect(cli(`--signal=${value}`).signal).toEqual(signal);
  });

  it.each([
    ['USR1@65536', '@65536 is more than 65535 seconds'],
    ['USR1@-1', '"@-1" is not a number of seconds'],
    ['USR1@x', '"@x" is not a number of seconds'],
    ['X:USR1', '"X:" is not a signal flag (B: or R:)'],
    ['FOO', '"FOO" is not a signal Slurm can send'],
    ['SEGV', '"SEGV" is not a signal Slurm can send'],
    ['0', '"0" is not a signal Slurm can send'],
    ['65', '"65" is not a signal Slurm can send'],
    ['R:USR1@30', 'the R: flag (overlap with reservations that have MaxStartDelay) is not supported by this gateway'],
    ['B:', 'expected [B:]SIGNAL[@SECONDS]'],
    ['@30', 'expected [B:]SIGNAL[@SECONDS]'],
  ])('%j is refused: %s', (value, problem) => {
    const error = cliRefusal(`--signal=${value}`);
    expect(error.message).toContain(`invalid --signal value ${JSON.stringify(value)} (command line): `);
    expect(error.message).toContain(problem);
  });
});

describe('--mail-type and --mail-user', () => {
  it.each([
    [['--mail-type=END'], ['END']],
    [['--mail-type=end,fail'], ['END', 'FAIL']],
    [['--mail-type=ALL'], ['BEGIN', 'END', 'FAIL', 'REQUEUE', 'INVALID_DEPEND', 'STAGE_OUT']],
    [['--mail-type=TIME_LIMIT_90,ARRAY_TASKS'], ['TIME_LIMIT_90', 'ARRAY_TASKS']],
    [['--mail-type=NONE'], []],
    [['--mail-type=END,NONE'], []],
    [['--mail-type=BEGIN', '--mail-type=END'], ['BEGIN', 'END']],
    [['--mail-type=END', '--mail-type=NONE'], ['END']],
    [['--mail-type=END,'], ['END']],
  ])('%j', (args, types) => {
    expect(cli(...args).mailType).toEqual(types);
  });

  it('accumulates across sources, as sbatch does', () => {
    expect(parse({ optionArgs: ['--mail-type=FAIL'], lines: ['#SBATCH --mail-type=BEGIN', 'srun a'] }).spec.mailType).toEqual(['BEGIN', 'FAIL']);
  });

  it('refuses unknown types', () => {
    expect(cliRefusal('--mail-type=END,WEEKLY').message).toMatch(/^invalid --mail-type value "END,WEEKLY" \(command line\): "WEEKLY" is not a mail type; expected a comma list of NONE, ALL, BEGIN/);
    expect(cliRefusal('--mail-type=,').message).toContain('no mail type given');
  });

  it('takes one mail user; empty clears it', () => {
    expect(cli('--mail-user=ada@example.org').mailUser).toBe('ada@example.org');
    expect(parse({ optionArgs: ['--mail-user='], lines: ['#SBATCH --mail-user=x', 'srun a'] }).spec.mailUser).toBeNull();
    expect(cliRefusal('--mail-user=a b').details).toMatchObject({ option: '--mail-user' });
  });
});

describe('scheduling options', () => {
  it('--nice, with 100 when no adjustment is given', () => {
    expect(cli('--nice').nice).toBe(100);
    expect(cli('--nice=-5').nice).toBe(-5);
    expect(cli('--nice=+7').nice).toBe(7);
    expect(cli('--nice=2147483645').nice).toBe(2147483645);
    expect(cliRefusal('--nice=2147483646').message).toBe(
      'invalid --nice value "2147483646" (command line): out of range; expected an adjustment from -2147483645 to 2147483645 (default 100)',
    );
    expect(cliRefusal('--nice=5x').details).toMatchObject({ option: '--nice', value: '5x' });
  });

  it('--priority: a number or TOP', () => {
    expect(cli('--priority=5').priority).toBe(5);
    expect(cli('--priority=top').priority).toBe('TOP');
    expect(cliRefusal('--priority=-1').message).toContain('expected a number from 0 to 4294967293, or TOP');
    expect(cliRefusal('--priority=4294967294').message).toContain('out of range');
    expect(cli().priority).toBeUndefined();
  });

  it('-H/--hold', () => {
    expect(cli('-H').hold).toBe(true);
    expect(cli().hold).toBe(false);
  });

  it('--requeue / --no-requeue: the last one wins, null when neither is given', () => {
    expect(cli().requeue).toBeNull();
    expect(cli('--requeue').requeue).toBe(true);
    expect(cli('--requeue', '--no-requeue').requeue).toBe(false);
    expect(cli('--no-requeue', '--requeue').requeue).toBe(true);
  });

  it('--exclusive[=user|mcs] and -s/--oversubscribe share one setting: the last one wins', () => {
    expect(cli('--exclusive')).toMatchObject({ exclusive: true });
    expect(cli('--exclusive').exclusiveScope).toBeUndefined();
    expect(cli('--exclusive=USER')).toMatchObject({ exclusive: true, exclusiveScope: 'user' });
    expect(cli('--exclusive=mcs')).toMatchObject({ exclusive: true, exclusiveScope: 'mcs' });
    expect(cli('--exclusive', '-s')).toMatchObject({ exclusive: false, oversubscribe: true });
    const exclusiveLast = cli('-s', '--exclusive');
    expect(exclusiveLast.exclusive).toBe(true);
    expect(exclusiveLast.oversubscribe).toBeUndefined();
    expect(cliRefusal('--exclusive=node').message).toBe(
      'invalid --exclusive value "node" (command line): expected --exclusive alone, --exclusive=user or --exclusive=mcs',
    );
  });

  it('--open-mode: append or truncate (any prefix, any case)', () => {
    expect(cli('--open-mode=append').openMode).toBe('append');
    expect(cli('--open-mode=A').openMode).toBe('append');
    expect(cli('--open-mode=Trunc').openMode).toBe('truncate');
    expect(cliRefusal('--open-mode=x').message).toBe('invalid --open-mode value "x" (command line): expected append or truncate');
  });

  it('-k/--no-kill[=off]', () => {
    expect(cli('-k').noKill).toBe(true);
    expect(cli('--no-kill=OFF').noKill).toBe(false);
    expect(cli().noKill).toBeUndefined();
    expect(cliRefusal('--no-kill=on').details).toMatchObject({ option: '--no-kill', value: 'on' });
  });

  it('--reservation: a comma list; empty clears it', () => {
    expect(cli('--reservation=maint,gpu_res').reservations).toEqual(['maint', 'gpu_res']);
    expect(cli('--reservation=').reservations).toBeUndefined();
    expect(cliRefusal('--reservation=a,,b').message).toContain('has an empty element');
  });

  it('-L/--licenses', () => {
    expect(cli('-L', 'matlab:2,ansys@db').licenses).toEqual([
      { name: 'matlab', count: 2 },
      { name: 'ansys@db', count: 1 },
    ]);
    expect(cliRefusal('--licenses=matlab:0').message).toContain('the count of matlab must be from 1 to 1000000');
    expect(cliRefusal('--licenses=a:1,a:2').message).toContain('license a is named twice');
    expect(cliRefusal('--licenses=a b').message).toContain('"a b" is not a license request');
  });

  it('--propagate[=rlimits]', () => {
    expect(cli('--propagate').propagate).toEqual(['ALL']);
    expect(cli('--propagate=NONE').propagate).toEqual(['NONE']);
    expect(cli('--propagate=CORE,STACK').propagate).toEqual(['CORE', 'STACK']);
    expect(cliRefusal('--propagate=core').message).toContain('bad rlimit name "core"');
    expect(cliRefusal('--propagate=ALL,CORE').message).toContain('ALL cannot be combined with other limits');
  });

  it('--get-user-env[=timeout][mode]', () => {
    expect(cli('--get-user-env').getUserEnv).toEqual({ timeoutSeconds: null, mode: null });
    expect(cli('--get-user-env=10L').getUserEnv).toEqual({ timeoutSeconds: 10, mode: 'L' });
    expect(cli('--get-user-env=S').getUserEnv).toEqual({ timeoutSeconds: null, mode: 'S' });
    expect(cliRefusal('--get-user-env=X').details).toMatchObject({ option: '--get-user-env', value: 'X' });
  });

  it('-w/--nodelist and -x/--exclude take hostlist expressions', () => {
    expect(cli('-w', 'node[1-5,7],gpu01', '-x', 'node3')).toMatchObject({ nodeList: 'node[1-5,7],gpu01', excludeNodes: 'node3' });
    expect(cliRefusal('-w', './hosts.txt').message).toContain('reading the node list from a file (a value containing "/") is not supported by this gateway');
    expect(cliRefusal('-w', 'node[1-3').message).toContain('the brackets are unbalanced');
    expect(cliRefusal('-x', 'a,,b').message).toContain('the list has an empty element');
  });
});

describe('names, text and file patterns', () => {
  it('-J/--job-name: text without control characters', () => {
    expect(cli('-J', 'my job (v2)').name).toBe('my job (v2)');
    expect(cliRefusal('-J', '').message).toBe('invalid --job-name value "" (command line): the job name is empty; expected 1 to 255 characters without control characters');
    expect(cliRefusal('-J', 'a\tb').message).toContain('the job name contains a control character');
    expect(cliRefusal('-J', 'x'.repeat(256)).message).toContain('the job name is 256 characters long');
  });

  it('-p/--partition: a comma list, kept in order without duplicates', () => {
    expect(cli('-p', 'gpu,batch,gpu').partitions).toEqual(['gpu', 'batch']);
    expect(cliRefusal('-p', '').message).toContain('no partition given');
    expect(cliRefusal('-p', 'a,,b').message).toContain('the list has an empty element');
    expect(cliRefusal('-p', 'a b').message).toContain('"a b" is not a partition name');
  });

  it('-A, -q, -C, --comment: empty clears, otherwise one word (comment: any text on one line)', () => {
    expect(cli('-A', 'physics', '-q', 'high', '-C', 'intel&gpu', '--comment=run 3 of 7')).toMatchObject({
      account: 'physics',
      qos: 'high',
      constraint: 'intel&gpu',
      comment: 'run 3 of 7',
    });
    expect(parse({ optionArgs: ['-A', ''], lines: ['#SBATCH -A physics', 'srun a'] }).spec.account).toBeNull();
    expect(cliRefusal('-A', 'two words').message).toContain('expected a account name of 1 to 255 characters without spaces, commas or control characters');
    expect(cliRefusal('-C', 'a b').details).toMatchObject({ option: '--constraint' });
    expect(cliRefusal('--comment=a\nb').details).toMatchObject({ option: '--comment' });
  });

  it('-o/-e/-i patterns and -D are kept raw, including unknown % sequences', () => {
    expect(directives('#SBATCH -o out-%x-%j_%A_%a.%5a.log -e err-%z%%.log -i in.txt -D ../run')).toMatchObject({
      output: 'out-%x-%j_%A_%a.%5a.log',
      error: 'err-%z%%.log',
      input: 'in.txt',
      workdir: '../run',
    });
    expect(cliRefusal('-o', '').message).toBe('invalid --output value "" (command line): the file name pattern is empty; expected a file name pattern of 1 to 4096 characters without control characters');
    expect(cliRefusal('-D', 'a\nb').details).toMatchObject({ option: '--chdir' });
  });
});

describe('client-side flags', () => {
  it('--parsable, -W/--wait, --test-only, --json, -Q/--quiet come back as client options, from any source', () => {
    expect(parse({ optionArgs: ['--parsable', '-W'] }).client).toEqual({ parsable: true, wait: true, testOnly: false, json: false, quiet: false });
    expect(parse({ lines: ['#SBATCH --test-only --json -Q', 'srun a'] }).client).toEqual({ parsable: false, wait: false, testOnly: true, json: true, quiet: true });
    expect(parse({ env: { SBATCH_WAIT: '1' } }).client.wait).toBe(true);
  });

  it('-v/--verbose is accepted and ignored, but not together with -Q (sbatch refuses that)', () => {
    expect(cli('-v', '-vv')).toEqual(cli());
    expect(cliRefusal('-vQ').message).toBe("don't specify both --verbose (-v) and --quiet (-Q): --verbose (command line) and --quiet (command line)");
  });

  it('--ignore-pbs is accepted (#PBS lines are never read)', () => {
    expect(parse({ optionArgs: ['--ignore-pbs'], lines: ['#PBS -l walltime=1:00:00', 'srun a'] }).spec.timeLimitMinutes).toBeNull();
  });
});

describe('real sbatch options this gateway cannot honour are refused by name', () => {
  it.each([
    ['--uid=0', '--uid (command line) is not supported by this gateway: in sbatch only root may use it, and the gateway always submits as the authenticated user'],
    ['--gid=0', '--gid (command line) is not supported by this gateway: in sbatch only root may use it, and the gateway always submits as the authenticated user'],
    ['-M', '--clusters (command line) is not supported by this gateway: the gateway routes jobs by partition; choose one with -p/--partition'],
    ['--help', '--help (command line) is not supported by this gateway: it prints help instead of submitting a job'],
    ['--hint=nomultithread', '--hint (command line) is not supported by this gateway: it is a valid sbatch option, but this gateway cannot honour it on every engine; remove it from the job'],
    ['--tmp=10G', '--tmp (command line) is not supported by this gateway: it is a valid sbatch option, but this gateway cannot honour it on every engine; remove it from the job'],
  ])('%s', (arg, message) => {
    const args = arg === '-M' ? ['-M', 'other'] : [arg];
    expect(cliRefusal(...args).message).toBe(message);
  });

  it('names the script line, and refuses --wrap inside a script', () => {
    expect(directiveRefusal('#SBATCH --threads-per-core=1').details).toMatchObject({ option: '--threads-per-core', line: 2 });
    expect(directiveRefusal('#SBATCH --wrap=hostname').message).toBe(
      '--wrap (script line 2) is not supported by this gateway: --wrap is only valid on the command line, where it replaces the script',
    );
  });

  it('every option in the table is either handled or refused with a reason (none is silently dropped)', () => {
    for (const def of LONG_OPTIONS) {
      const arg = def.arg === 'none' ? `--${def.name}` : `--${def.name}=1`;
      let accepted = true;
      try {
        cli(arg);
      } catch (e) {
        accepted = false;
        // Refused for its value, for lack of a companion option, or as unsupported: never ignored.
        expect((e as Error).message).toMatch(
          /^(invalid --|--[a-z-]+ \(command line\) is not supported by this gateway: |a batch script and --wrap cannot be used together|.* requests no GPU|.* no task count)/,
        );
      }
      if (accepted) expect(HANDLED).toContain(def.id);
    }
  });
});

/** Options with a JobSpec field or client flag; anything else must be refused. */
const HANDLED = [
  'account', 'array', 'begin', 'chdir', 'comment', 'constraint', 'cpus-per-task', 'deadline', 'dependency', 'error', 'exclude',
  'exclusive', 'export', 'get-user-env', 'gpus', 'gpus-per-node', 'gres', 'hold', 'ignore-pbs', 'input', 'job-name', 'json',
  'licenses', 'mail-type', 'mail-user', 'mem', 'mem-per-cpu', 'nice', 'no-kill', 'no-requeue', 'nodelist', 'nodes', 'ntasks', 'ntasks-per-node',
  'open-mode', 'output', 'oversubscribe', 'parsable', 'partition', 'priority', 'propagate', 'qos', 'quiet', 'requeue',
  'reservation', 'signal', 'test-only', 'time', 'time-min', 'verbose', 'wait',
];
