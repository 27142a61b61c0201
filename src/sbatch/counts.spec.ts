import { cli, cliRefusal, parse } from '../../test/sbatch/parse';

describe('task, CPU and node counts', () => {
  it('sets -n, -c, --ntasks-per-node', () => {
    expect(cli('-n', '8', '-c', '4', '--ntasks-per-node=4', '-N', '2')).toMatchObject({ ntasks: 8, cpusPerTask: 4, ntasksPerNode: 4, nodes: { min: 2, max: 2 } });
    expect(cli('--ntasks=+3').ntasks).toBe(3);
  });

  it.each([
    [['-n', '0'], '--ntasks', 'invalid --ntasks value "0" (command line): the count must be at least 1; expected a whole number from 1 to 1000000'],
    [['-c', '-1'], '--cpus-per-task', 'invalid --cpus-per-task value "-1" (command line): expected a whole number from 1 to 1000000'],
    [['-n', '1x'], '--ntasks', 'invalid --ntasks value "1x" (command line): expected a whole number from 1 to 1000000'],
    [['-n', '2000000'], '--ntasks', 'invalid --ntasks value "2000000" (command line): 2000000 is more than the maximum of 1000000; expected a whole number from 1 to 1000000'],
    [['--ntasks-per-node=0'], '--ntasks-per-node', 'invalid --ntasks-per-node value "0" (command line): the count must be at least 1; expected a whole number from 1 to 1000000'],
  ])('%j is refused', (args, option, message) => {
    const error = cliRefusal(...args);
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ option, allowed: 'a whole number from 1 to 1000000' });
  });

  it.each([
    ['4', { min: 4, max: 4 }],
    ['2-8', { min: 2, max: 8 }],
    ['1-2k', { min: 1, max: 2048 }],
    ['3-3', { min: 3, max: 3 }],
  ])('-N %s', (value, nodes) => {
    expect(cli('-N', value).nodes).toEqual(nodes);
  });

  it.each([
    ['5-2', 'the maximum node count 2 is less than the minimum node count 5'],
    ['0', 'a job needs at least 1 node'],
    ['1-', '"" is not a valid node count'],
    ['-3', 'expected N or MIN-MAX nodes'],
    ['3-x', '"x" is not a valid node count'],
    ['2000000', '2000000 nodes is more than the maximum of 1000000'],
  ])('-N %s is refused', (value, problem) => {
    const error = cliRefusal('-N', value);
    expect(error.message).toContain(`invalid --nodes value ${JSON.stringify(value)} (command line): `);
    expect(error.message).toContain(problem);
  });

  it('lowers the node count to the task count, with sbatch\'s warning', () => {
    const result = parse({ optionArgs: ['-N', '2-4', '-n', '1'] });
    expect(result.spec.nodes).toEqual({ min: 1, max: 1 });
    expect(result.warnings).toEqual(["can't run 1 processes on 2 nodes, setting nnodes to 1"]);
  });

  it('refuses more tasks than --ntasks-per-node allows on the nodes', () => {
    expect(cliRefusal('-n', '3', '--ntasks-per-node=2', '-N', '1').message).toBe(
      '--ntasks=3 (command line) cannot be placed: --ntasks-per-node=2 (command line) on at most 1 node(s) of --nodes=1 (command line) holds 2 tasks: expected no more tasks than --ntasks-per-node times the maximum node count',
    );
    expect(cli('-n', '4', '--ntasks-per-node=2', '-N', '1-2').ntasks).toBe(4);
  });
});

describe('absurd or negative resources are refused with the allowed range', () => {
  it.each([
    [['-n', '0'], '--ntasks', 'from 1 to 1000000'],
    [['-c', '-1'], '--cpus-per-task', 'from 1 to 1000000'],
    [['-N', '5-2'], '--nodes', 'each from 1 to 1000000'],
    [['--mem=99999999999T'], '--mem', 'at most 1073741824 MB (1024T)'],
    [['-t', '99999999'], '--time', 'at most 365-00:00:00 (525600 minutes), or UNLIMITED'],
    [['--gpus=9999999'], '--gpus', 'count from 0 to 1000000'],
    [['--array=0-99999999'], '--array', '0 to 1000'],
    [['--nice=-99999999999'], '--nice', 'from -2147483645 to 2147483645'],
  ])('%j', (args, option, range) => {
    const error = cliRefusal(...args);
    expect(error.details).toMatchObject({ option, source: 'command line' });
    expect(error.message).toContain(`invalid ${option} value`);
    expect(error.message).toContain(range);
  });
});
