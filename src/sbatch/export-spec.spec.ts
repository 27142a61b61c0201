import { cli, cliRefusal, parse } from '../../test/sbatch/parse';

describe('--export', () => {
  it.each([
    ['ALL', { mode: 'ALL', vars: {} }],
    ['all', { mode: 'ALL', vars: {} }],
    ['NONE', { mode: 'NONE', vars: {} }],
    ['NIL', { mode: 'NIL', vars: {} }],
    ['ALL,EDITOR=/bin/emacs,PATH', { mode: 'ALL', vars: { EDITOR: '/bin/emacs', PATH: null } }],
    ['EDITOR,ARG1=test', { mode: 'NONE', vars: { EDITOR: null, ARG1: 'test' } }],
    ['VAR=x', { mode: 'NONE', vars: { VAR: 'x' } }],
    ['NONE,FOO=bar', { mode: 'NONE', vars: { FOO: 'bar' } }],
    ['NIL,FOO=1', { mode: 'NIL', vars: { FOO: '1' } }],
    ['FOO=a=b', { mode: 'NONE', vars: { FOO: 'a=b' } }],
    ['FOO=1,FOO=2', { mode: 'NONE', vars: { FOO: '2' } }],
    ['FOO=', { mode: 'NONE', vars: { FOO: '' } }],
    ['FOO="a,b",BAR=1', { mode: 'NONE', vars: { FOO: '"a,b"', BAR: '1' } }],
    ["FOO='x y'", { mode: 'NONE', vars: { FOO: "'x y'" } }],
    ['ALL,', { mode: 'ALL', vars: {} }],
  ])('%s', (value, exported) => {
    expect(cli(`--export=${value}`).export).toEqual(exported);
  });

  it('keeps a variable named __proto__ as a plain entry', () => {
    const vars = cli('--export=__proto__=x').export.vars;
    expect(Object.keys(vars)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(vars))).toEqual(vars);
  });

  it('defaults to ALL with the submitter\'s environment captured as given', () => {
    const { spec } = parse({ env: { HOME: '/home/ada', PATH: '/usr/bin', SBATCH_ACCOUNT: 'physics' } });
    expect(spec.export).toEqual({ mode: 'ALL', vars: {} });
    expect(spec.environment).toEqual({ HOME: '/home/ada', PATH: '/usr/bin', SBATCH_ACCOUNT: 'physics' });
  });

  it('SBATCH_EXPORT sets it and the command line overrides it', () => {
    expect(parse({ env: { SBATCH_EXPORT: 'NONE' } }).spec.export.mode).toBe('NONE');
    expect(parse({ env: { SBATCH_EXPORT: 'NONE' }, optionArgs: ['--export=ALL'] }).spec.export.mode).toBe('ALL');
  });

  it.each([
    ['', 'nothing to export'],
    [',', 'nothing to export'],
    ['ALL,NONE', 'ALL and NONE contradict each other'],
    ['A B=1', '"A B" is not an environment variable name'],
    ['1X=2', '"1X" is not an environment variable name'],
    ['=x', '"" is not an environment variable name'],
    ['FOO="a,b', 'unmatched "'],
  ])('%j is refused: %s', (value, problem) => {
    expect(cliRefusal(`--export=${value}`).message).toBe(
      `invalid --export value ${JSON.stringify(value)} (command line): ${problem}; expected ALL, NONE or NIL, optionally followed by variables (ALL,NAME,NAME=value), or variables alone (NAME,NAME=value: only those plus SLURM_*); names are letters, digits and _`,
    );
  });

  it('--export-file is refused: sbatch would read a file on the submit host', () => {
    expect(cliRefusal('--export-file=vars.env').message).toBe(
      '--export-file (command line) is not supported by this gateway: sbatch reads that file on the submit host; pass the variables with --export or set them in the script',
    );
  });
});
