import { splitCommandLine } from './split-command-line';
import { SbatchError } from './sbatch-error';
import { cli, cliRefusal, directiveRefusal, directives } from '../../test/sbatch/parse';

describe('long options: getopt_long prefixes and value forms', () => {
  it.each([
    [['--partition=debug'], 'debug'],
    [['--partition', 'debug'], 'debug'],
    [['--parti=debug'], 'debug'],
    [['--part', 'debug'], 'debug'],
    [['-pdebug'], 'debug'],
    [['-p', 'debug'], 'debug'],
  ])('%j selects partition debug', (args, partition) => {
    expect(cli(...args).partitions).toEqual([partition]);
  });

  it('an exact name wins over longer options it prefixes (--mem vs --mem-per-cpu)', () => {
    const spec = cli('--mem=4G');
    expect(spec.memPerNodeMB).toBe(4096);
    expect(spec.memPerCpuMB).toBeNull();
  });

  it('a prefix shared by aliases of one option is not ambiguous (--tasks-per is --ntasks-per-node)', () => {
    expect(cli('--tasks-per=4').ntasksPerNode).toBe(4);
    expect(cli('--tasks-per-node=4').ntasksPerNode).toBe(4);
  });

  it.each([
    ['--ex=1', "option '--ex=1' is ambiguous (command line); possibilities: '--exclude' '--exclusive' '--export' '--export-file' '--extra-node-info'"],
    ['--mem-per', "option '--mem-per' is ambiguous (command line); possibilities: '--mem-per-cpu' '--mem-per-gpu'"],
    ['--a', "option '--a' is ambiguous (command line); possibilities: '--account' '--acctg-freq' '--array'"],
    ['--par=debug', "option '--par=debug' is ambiguous (command line); possibilities: '--parsable' '--partition'"],
    ['--clus=x', "option '--clus=x' is ambiguous (command line); possibilities: '--cluster-constraint' '--cluster' '--clusters'"],
  ])('an ambiguous prefix %s lists the candidates as sbatch does', (arg, message) => {
    const error = cliRefusal(arg);
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ source: 'command line' });
  });

  it('an unknown option is "unrecognized", with a suggestion for a typo', () => {
    expect(cliRefusal('--foo').message).toBe("unrecognized option '--foo' (command line): not an sbatch option");
    const typo = cliRefusal('--partiton=debug');
    expect(typo.message).toBe("unrecognized option '--partiton=debug' (command line): not an sbatch option; did you mean '--partition'?");
    expect(typo.details).toMatchObject({ option: '--partiton', value: '--partiton=debug' });
  });

  it('an unknown option in a directive names the script line', () => {
    const error = directiveRefusal('#SBATCH --time=5', '#SBATCH --frobnicate');
    expect(error.message).toBe("unrecognized option '--frobnicate' (script line 3): not an sbatch option");
    expect(error.details).toMatchObject({ line: 3, source: 'script line 3' });
  });

  it('a missing required value is refused, in the script too', () => {
    expect(cliRefusal('--time').message).toBe("option '--time' requires an argument (command line): give it as --time=<value> or --time <value>");
    expect(directiveRefusal('#SBATCH --job-name').details).toMatchObject({ option: '--job-name', line: 2 });
  });

  it('a value given to a flag is refused', () => {
    const error = cliRefusal('--hold=yes');
    expect(error.message).toBe(`option '--hold' doesn't allow an argument (command line): got "yes"; write --hold alone`);
    expect(error.details).toMatchObject({ option: '--hold', value: 'yes' });
  });

  it('optional values only attach with "=" (--nice 5 leaves 5 as the script name)', () => {
    expect(cli('--nice=5').nice).toBe(5);
    expect(cli('--nice').nice).toBe(100);
    expect(splitCommandLine(['--nice', '5', 'job.sh'])).toEqual({ optionArgs: ['--nice'], scriptPath: '5', scriptArgs: ['job.sh'] });
  });

  it('a required value is taken from the next word even when it looks like an option', () => {
    expect(cli('-J', '-p').name).toBe('-p');
    expect(cli('--comment', '--hold').comment).toBe('--hold');
  });
});

describe('short options: -Jname, -J name, clusters', () => {
  it('takes an attached or separate value', () => {
    expect(cli('-Jsim').name).toBe('sim');
    expect(cli('-J', 'sim').name).toBe('sim');
  });

  it('keeps "=" as part of an attached value, as getopt does (-J=name names the job "=name")', () => {
    expect(cli('-J=name').name).toBe('=name');
  });

  it('clusters flags and ends a cluster with a valued option', () => {
    const spec = cli('-HJsim', '-Wk');
    expect(spec.hold).toBe(true);
    expect(spec.name).toBe('sim');
    expect(spec.noKill).toBe(true);
  });

  it('an optional value swallows the rest of the cluster (-kW is --no-kill=W, refused as in sbatch)', () => {
    expect(cliRefusal('-kW').message).toBe('invalid --no-kill value "W" (command line): expected --no-kill alone, or --no-kill=off');
  });

  it('-k takes an attached optional value only', () => {
    expect(cli('-koff').noKill).toBe(false);
    expect(splitCommandLine(['-k', 'off'])).toEqual({ optionArgs: ['-k'], scriptPath: 'off', scriptArgs: [] });
  });

  it('refuses an unknown letter and a missing value', () => {
    expect(cliRefusal('-Z').message).toBe("invalid option -- 'Z' (command line): not an sbatch option");
    expect(cliRefusal('-HZ').details).toMatchObject({ option: '-Z' });
    expect(cliRefusal('-t').message).toBe("option requires an argument -- 't' (command line): give it as -t<value> or -t <value>");
  });
});

describe('splitCommandLine', () => {
  it.each([
    [['job.sh'], [], 'job.sh', []],
    [['-N', '2', '--time=10', 'job.sh', 'a', '-b'], ['-N', '2', '--time=10'], 'job.sh', ['a', '-b']],
    [['-vQ', '-Jx', 'run.sh', '--time=5'], ['-vQ', '-Jx'], 'run.sh', ['--time=5']],
    [['--wrap', 'hostname'], ['--wrap', 'hostname'], null, []],
    [['-p', 'debug'], ['-p', 'debug'], null, []],
    [['-J', 'x', '--', '-weird-name.sh', 'arg'], ['-J', 'x'], '-weird-name.sh', ['arg']],
    [['--'], [], null, []],
    [['-'], [], '-', []],
  ])('%j', (argv, optionArgs, scriptPath, scriptArgs) => {
    expect(splitCommandLine(argv)).toEqual({ optionArgs, scriptPath, scriptArgs });
  });

  it('reports a malformed option before anything is read', () => {
    expect(() => splitCommandLine(['--bogus', 'job.sh'])).toThrow(SbatchError);
    expect(() => splitCommandLine(['-J'])).toThrow("option requires an argument -- 'J'");
  });

  it('refuses heterogeneous job components', () => {
    expect(() => splitCommandLine(['-N1', ':', '-N2', 'job.sh'])).toThrow(/heterogeneous jobs are not supported by this gateway/);
  });

  it('refuses words that are not strings or contain NUL', () => {
    expect(() => splitCommandLine(['-J', 'a\0b'])).toThrow(/NUL/);
    expect(() => splitCommandLine([42 as unknown as string])).toThrow(SbatchError);
  });
});

describe('stray words among the options', () => {
  it('refuses a non-option in optionArgs (the script is given separately)', () => {
    expect(cliRefusal('-N', '2', 'job.sh').message).toBe(
      'unexpected argument "job.sh" among the sbatch options (command line); the script and its arguments are given separately',
    );
  });

  it('refuses a stray word in a directive, as sbatch does ("-J a b")', () => {
    const error = directiveRefusal('#SBATCH -J a b');
    expect(error.message).toMatch(/^Invalid directive found in batch script: "b" \(script line 2\)/);
    expect(error.details).toMatchObject({ line: 2, value: 'b' });
  });

  it('refuses hetjob separators in a script', () => {
    expect(directiveRefusal('#SBATCH -N 1', '#SBATCH hetjob', '#SBATCH -N 2').message).toMatch(/heterogeneous jobs are not supported.*"hetjob" \(script line 3\)/);
    expect(directiveRefusal('#SBATCH -N 1 : -N 2').message).toMatch(/heterogeneous/);
  });

  it('a quoted ":" is a plain value', () => {
    expect(directives('#SBATCH -J ":"').name).toBe(':');
  });
});
