/**
 * squeue layouts against the output of a real Slurm 22.05 squeue for the same queue (see
 * test/cli/job-fixtures.ts): default, -l, -r, -o and -O.
 */
import { selectQueueRecords } from '../commands/squeue';
import { ACTIVE_STATES } from '../parse/state-list';
import { parseJobIdList } from '../parse/job-id-list';
import { at, iso, makeJob, makeTask, queueScenario, scenarioPartitions } from '../../../test/cli/job-fixtures';
import { partitionLimits } from './job-facts';
import { expandJobs } from './printed-jobs';
import { SQUEUE_DEFAULT_FORMAT, SQUEUE_LONG_FORMAT } from './squeue-fields';
import { layoutFromFormat, layoutFromLongFormat, renderQueue } from './squeue-render';
import { JOB_STATES } from '../../domain/job';

const ctx = { now: at(16, 29, 3), limits: partitionLimits(scenarioPartitions()) };
const active = new Set(ACTIVE_STATES);

function squeue(format: string, opts: { array?: boolean; long?: boolean; header?: boolean; jobs?: string } = {}) {
  const records = selectQueueRecords(queueScenario(), {
    states: active,
    selectors: opts.jobs ? parseJobIdList(opts.jobs) : [],
    array: !!opts.array,
  });
  return renderQueue(records, layoutFromFormat(format), ctx, { header: opts.header ?? true, long: !!opts.long });
}

describe('squeue default layout', () => {
  it('matches real squeue byte for byte: collapsed array, held job last among pending, reasons in parentheses', () => {
    expect(squeue(SQUEUE_DEFAULT_FORMAT)).toBe(
      [
        '             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)',
        '         2_[1-5%1]     debug      arr     root PD       0:00      1 (Resources)',
        '                 3     debug      big     root PD       0:00      1 (Priority)',
        '                 5     debug      dep     root PD       0:00      1 (Dependency)',
        '                 4     debug     held     root PD       0:00      1 (JobHeldUser)',
        '                 1     debug a_very_l     root  R       0:03      1 vm',
        '                 6      long     fail     root PD       0:00      1 (PartitionTimeLimit)',
        '',
      ].join('\n'),
    );
  });

  it('prints only the lines with -h', () => {
    expect(squeue(SQUEUE_DEFAULT_FORMAT, { header: false }).split('\n')[0]).toBe('         2_[1-5%1]     debug      arr     root PD       0:00      1 (Resources)');
  });

  it('-r prints one line per array task', () => {
    const lines = squeue(SQUEUE_DEFAULT_FORMAT, { array: true }).split('\n');
    expect(lines.slice(1, 6)).toEqual([1, 2, 3, 4, 5].map((i) => `               2_${i}     debug      arr     root PD       0:00      1 (Resources)`));
  });

  it('-j 2_3 picks one task out of the pending set', () => {
    expect(squeue(SQUEUE_DEFAULT_FORMAT, { jobs: '2_3' }).split('\n')[1]).toBe(
      '               2_3     debug      arr     root PD       0:00      1 (Resources)',
    );
  });

  it('-j with a task\'s own raw id finds that task', () => {
    expect(squeue('%i', { jobs: '103', header: false })).toBe('2_3\n');
  });
});

describe('squeue -l', () => {
  it('matches real squeue -l: date line, long state, truncated TIME_LIMI header, overflowing limits', () => {
    expect(squeue(SQUEUE_LONG_FORMAT, { long: true })).toBe(
      [
        'Sat Nov 21 16:29:03 2026',
        '             JOBID PARTITION     NAME     USER    STATE       TIME TIME_LIMI  NODES NODELIST(REASON)',
        '         2_[1-5%1]     debug      arr     root  PENDING       0:00   1:00:00      1 (Resources)',
        '                 3     debug      big     root  PENDING       0:00   1:00:00      1 (Priority)',
        '                 5     debug      dep     root  PENDING       0:00      5:00      1 (Dependency)',
        '                 4     debug     held     root  PENDING       0:00   1:00:00      1 (JobHeldUser)',
        '                 1     debug a_very_l     root  RUNNING       0:03   1:00:00      1 vm',
        '                 6      long     fail     root  PENDING       0:00 2-03:00:00      1 (PartitionTimeLimit)',
        '',
      ].join('\n'),
    );
  });

  it('omits the date line with -h', () => {
    expect(squeue(SQUEUE_LONG_FORMAT, { long: true, header: false }).startsWith('         2_[1-5%1]')).toBe(true);
  });
});

describe('squeue -o fields', () => {
  it('renders ids, times and reasons like real squeue for a running task and a pending set', () => {
    const job = makeJob({
      id: 2,
      name: 'arr',
      account: null,
      isArray: true,
      arrayMaxConcurrent: 1,
      submitTime: iso(16, 29, 0),
      arrayTasks: [
        makeTask(1, 7, { state: 'RUNNING', startTime: iso(16, 29, 10), nodeList: 'vm' }),
        ...[2, 3, 4, 5].map((i) => makeTask(i, i === 5 ? 2 : 10 + i, { reason: 'JobArrayTaskLimit' })),
      ],
    });
    const records = selectQueueRecords([job], { states: active, selectors: [], array: false });
    const layout = layoutFromFormat('%i|%A|%a|%F|%K|%C|%r|%V|%S|%e|%L|%l|%M|%D|%R|%P|%u|%j|%t|%T|%N|%b|%Z|%o|%%|x%5i');
    const out = renderQueue(records, layout, { now: at(16, 29, 12), limits: ctx.limits }, { header: true, long: false });
    expect(out).toBe(
      [
        'JOBID|JOBID|ACCOUNT|ARRAY_JOB_ID|ARRAY_TASK_ID|CPUS|REASON|SUBMIT_TIME|START_TIME|END_TIME|TIME_LEFT|TIME_LIMIT|TIME|NODES|NODELIST(REASON)|PARTITION|USER|NAME|ST|STATE|NODELIST|TRES_PER_NODE|WORK_DIR|COMMAND|%|xJOBID',
        '2_[2-5%1]|2|(null)|2|2-5%1|1|JobArrayTaskLimit|2026-11-21T16:29:00|N/A|N/A|1:00:00|1:00:00|0:00|1|(JobArrayTaskLimit)|debug|root|arr|PD|PENDING||N/A|/tmp/cli-slurm|(null)|%|x2_[2-',
        '2_1|7|(null)|2|1|1|None|2026-11-21T16:29:00|2026-11-21T16:29:10|2026-11-21T17:29:10|59:58|1:00:00|0:02|1|vm|debug|root|arr|R|RUNNING|vm|N/A|/tmp/cli-slurm|(null)|%|x2_1  ',
        '',
      ].join('\n'),
    );
    expect(layout.unknownCodes).toEqual([]);
  });

  it('truncates names to the column: %5j left, %.5j right', () => {
    const records = selectQueueRecords([makeJob({ id: 9, name: 'a_very_long_name_for_testing_widths' })], { states: active, selectors: [], array: false });
    expect(renderQueue(records, layoutFromFormat('%5j|%.5j|%j|'), ctx, { header: false, long: false })).toBe('a_ver|a_ver|a_very_long_name_for_testing_widths|\n');
  });

  it('prints UNLIMITED, NOT_SET and NONE where Slurm does', () => {
    const unlimited = makeJob({ id: 1, state: 'RUNNING', startTime: iso(16, 0, 0), timeLimitMinutes: -1, nodeList: 'vm', partition: 'other' });
    const unknown = makeJob({ id: 2, partition: 'nowhere' });
    const records = selectQueueRecords([unlimited, unknown], { states: active, selectors: [], array: false });
    expect(renderQueue(records, layoutFromFormat('%i %l %L %e'), ctx, { header: false, long: false })).toBe('2 NOT_SET NOT_SET N/A\n1 UNLIMITED UNLIMITED NONE\n');
  });

  it('shows memory and GPUs per node from the JobSpec', () => {
    const job = makeJob({ id: 3, spec: { memPerNodeMB: 2048, gpus: { count: 2, type: 'a100', per: 'node' } } });
    const records = selectQueueRecords([job], { states: active, selectors: [], array: false });
    expect(renderQueue(records, layoutFromFormat('%m %b'), ctx, { header: false, long: false })).toBe('2G gres:gpu:a100:2\n');
  });

  it('shows failed jobs with their reason and finished ones with their nodes when asked for all states', () => {
    const failed = makeJob({ id: 9, state: 'FAILED', exitCode: 3, startTime: iso(16, 0, 0), endTime: iso(16, 0, 1), nodeList: 'vm' });
    const done = makeJob({ id: 8, state: 'COMPLETED', exitCode: 0, startTime: iso(16, 0, 0), endTime: iso(16, 0, 1), nodeList: 'vm' });
    const records = selectQueueRecords([failed, done], { states: new Set(JOB_STATES), selectors: [], array: false });
    expect(renderQueue(records, layoutFromFormat('%.18i %.2t %R'), ctx, { header: true, long: false })).toBe(
      ['             JOBID ST NODELIST(REASON)', '                 8 CD vm', '                 9  F (NonZeroExitCode)', ''].join('\n'),
    );
  });
});

describe('squeue -O', () => {
  it('uses 20-column fields without separators, a size and "." as in Slurm', () => {
    const layout = layoutFromLongFormat('JobID:3,Name:5,Name:.5,State');
    const records = expandJobs([makeJob({ id: 17, name: 'arr', state: 'PENDING' })]);
    expect(renderQueue(records, layout, ctx, { header: false, long: false })).toBe('17 arr    arrPENDING             \n');
  });

  it('keeps a suffix after the size', () => {
    const layout = layoutFromLongFormat('Name:5|x,JobID');
    const records = expandJobs([makeJob({ id: 24, name: 'a_very_long_name' })]);
    expect(renderQueue(records, layout, ctx, { header: false, long: false })).toBe(`a_ver|x24${' '.repeat(18)}\n`);
  });

  it('reports an unknown field and prints only its suffix, as Slurm does', () => {
    const layout = layoutFromLongFormat('JobID:|,Bogus:.5|,Name:|');
    expect(layout.unknownCodes).toEqual(['Bogus']);
    expect(renderQueue(expandJobs([makeJob({ id: 17, name: 'x' })]), layout, ctx, { header: true, long: false })).toBe('JOBID||NAME|\n17||x|\n');
  });

  it('prints values as they are after a bare ":" with a suffix (OOD\'s `JobID:\\x1f`)', () => {
    const layout = layoutFromLongFormat('JobID:\x1f,Name:\x1f,');
    expect(renderQueue(expandJobs([makeJob({ id: 17, name: 'x' })]), layout, ctx, { header: true, long: false })).toBe('JOBID\x1fNAME\x1f\n17\x1fx\x1f\n');
  });
});
