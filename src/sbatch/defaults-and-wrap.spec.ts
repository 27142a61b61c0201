import { parseBatchScript } from './parse-batch-script';
import { SbatchError } from './sbatch-error';
import { LIMITS, NOW, parse, refusal } from '../../test/sbatch/parse';

const submit = (input: Partial<Parameters<typeof parseBatchScript>[0]>) =>
  parseBatchScript({ script: null, optionArgs: [], scriptArgs: [], env: {}, scriptName: null, now: NOW, ...input }, LIMITS);

describe('defaults', () => {
  it('names the job after the script file\'s base name', () => {
    expect(parse({ scriptName: '/home/ada/runs/simulate.sbatch' }).spec.name).toBe('simulate.sbatch');
    expect(parse({ scriptName: 'relative/dir/run.sh' }).spec.name).toBe('run.sh');
  });

  it('names a script that came on stdin "sbatch"', () => {
    expect(parse({ scriptName: null }).spec.name).toBe('sbatch');
  });

  it('makes a file name with control characters a valid job name', () => {
    expect(parse({ scriptName: 'bad\nname.sh' }).spec.name).toBe('bad?name.sh');
  });

  it('has every field of an sbatch job without options', () => {
    const { spec, client, warnings } = parse({ env: { HOME: '/h' }, scriptArgs: ['in.dat', '--fast'] });
    expect(spec).toEqual({
      name: 'job.sh',
      partitions: [],
      timeLimitMinutes: null,
      timeMinMinutes: null,
      nodes: null,
      ntasks: null,
      ntasksPerNode: null,
      cpusPerTask: null,
      memPerNodeMB: null,
      memPerCpuMB: null,
      memPerGpuMB: null,
      gpus: null,
      array: null,
      dependency: null,
      output: null,
      error: null,
      input: null,
      workdir: null,
      openMode: null,
      export: { mode: 'ALL', vars: {} },
      environment: { HOME: '/h' },
      account: null,
      qos: null,
      constraint: null,
      comment: null,
      exclusive: false,
      requeue: null,
      hold: false,
      begin: null,
      deadline: null,
      signal: null,
      mailType: [],
      mailUser: null,
      nice: null,
      scriptArgs: ['in.dat', '--fast'],
      script: '#!/bin/bash\nsrun hostname\n',
    });
    expect(client).toEqual({ parsable: false, wait: false, testOnly: false, json: false, quiet: false });
    expect(warnings).toEqual([]);
  });

  it('keeps the script verbatim', () => {
    const body = '#!/usr/bin/env python3\n#SBATCH -t 5\nprint("hi")  # done\n\n';
    expect(submit({ script: body }).spec.script).toBe(body);
  });
});

describe('--wrap', () => {
  it('builds the script sbatch builds and names the job "wrap"', () => {
    const { spec } = submit({ optionArgs: ['--wrap=echo "a b" $HOME', '-t', '5'] });
    expect(spec.script).toBe('#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho "a b" $HOME\n');
    expect(spec.name).toBe('wrap');
    expect(spec.timeLimitMinutes).toBe(5);
  });

  it('takes -J and the wrapped command from the command line only', () => {
    expect(submit({ optionArgs: ['--wrap', 'hostname', '-J', 'named'] }).spec.name).toBe('named');
  });

  it('refuses a script and --wrap together', () => {
    const error = refusal({ optionArgs: ['--wrap=hostname'] });
    expect(error.message).toBe('a batch script and --wrap cannot be used together: --wrap builds the script from its command');
    expect(error.details).toMatchObject({ option: '--wrap' });
  });

  it('refuses script arguments with --wrap, as sbatch does', () => {
    expect(() => submit({ optionArgs: ['--wrap=hostname'], scriptArgs: ['x'] })).toThrow('Script arguments not permitted with --wrap option: got "x"');
  });

  it('refuses an empty command', () => {
    expect(() => submit({ optionArgs: ['--wrap='] })).toThrow('invalid --wrap value "" (command line): expected a command to run');
  });

  it('without --wrap a script is required', () => {
    expect(() => submit({})).toThrow(new SbatchError('no batch script: give a script file, pipe one on standard input, or use --wrap="command"'));
  });
});

describe('input shapes (GraphQL and the CLI send what they send)', () => {
  it.each([
    [{ optionArgs: 'x' as unknown as string[] }, 'optionArgs must be a list of strings'],
    [{ scriptArgs: [1] as unknown as string[] }, 'scriptArgs[0] must be a string, got number'],
    [{ env: { A: 1 } as unknown as Record<string, string> }, 'env.A must be a string without NUL characters'],
    [{ env: { 'A=B': 'x' } }, 'env: "A=B" is not an environment variable name (non-empty, without "=" or NUL)'],
    [{ script: 5 as unknown as string }, 'script must be a string or null'],
    [{ now: new Date(NaN) }, 'now must be a valid Date'],
  ])('%j is refused', (input, message) => {
    expect(() => submit({ script: '#!/bin/sh\n', ...input })).toThrow(new SbatchError(message));
  });
});
