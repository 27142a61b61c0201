/**
 * sacct output against a real Slurm 22.05 sacct for the same jobs (test/cli/job-fixtures.ts).
 * Where the gateway deliberately differs, the test says so: a batch step line carries the job's
 * state and exit code (Slurm's own step may say CANCELLED 0:15 under a cancelled job).
 */
import { parseJobIdList } from '../parse/job-id-list';
import { accountingScenario, at, iso, makeJob, makeTask, scenarioPartitions } from '../../../test/cli/job-fixtures';
import { partitionLimits } from './job-facts';
import { parseSacctFields, SACCT_BRIEF_FIELDS, SACCT_DEFAULT_FIELDS, SacctFieldError } from './sacct-fields';
import { renderSacctHeader, renderSacctRow, type SacctMode } from './sacct-render';
import { buildSacctRows, type SacctSelection } from './sacct-rows';
import type { GatewayJob } from '../gateway-types';

const ctx = { now: at(16, 30, 36), limits: partitionLimits(scenarioPartitions()) };
const table: SacctMode = { kind: 'table' };

function sacct(fieldList: string, opts: Partial<SacctSelection> & { mode?: SacctMode; jobs?: GatewayJob[]; header?: boolean } = {}) {
  const fields = parseSacctFields(fieldList);
  const mode = opts.mode ?? table;
  const rows = buildSacctRows(opts.jobs ?? accountingScenario(), {
    selectors: opts.selectors ?? [],
    states: opts.states ?? null,
    allocationsOnly: opts.allocationsOnly ?? false,
  });
  const lines = opts.header === false ? [] : renderSacctHeader(fields, mode);
  for (const row of rows) lines.push(renderSacctRow(fields, row, mode, ctx));
  return `${lines.join('\n')}\n`;
}

describe('sacct default layout', () => {
  it('matches real sacct: widths, trailing spaces, .batch lines, + on cut values', () => {
    expect(sacct(SACCT_DEFAULT_FIELDS)).toBe(
      [
        'JobID           JobName  Partition    Account  AllocCPUS      State ExitCode ',
        '------------ ---------- ---------- ---------- ---------- ---------- -------- ',
        '8                    ok      debug       root          1  COMPLETED      0:0 ',
        '8.batch           batch                  root          1  COMPLETED      0:0 ',
        '9                  fail      debug       root          1     FAILED      3:0 ',
        '9.batch           batch                  root          1     FAILED      3:0 ',
        '10                  sig      debug       root          1     FAILED      0:9 ',
        '10.batch          batch                  root          1     FAILED      0:9 ',
        '11                  cxl      debug       root          1 CANCELLED+      0:0 ',
        '11.batch          batch                  root          1  CANCELLED      0:0 ',
        '12_1                arr      debug       root          1     FAILED      1:0 ',
        '12_1.batch        batch                  root          1     FAILED      1:0 ',
        '12_2                arr      debug       root          1     FAILED      2:0 ',
        '12_2.batch        batch                  root          1     FAILED      2:0 ',
        '12_3                arr      debug       root          1     FAILED      3:0 ',
        '12_3.batch        batch                  root          1     FAILED      3:0 ',
        '13                   to      debug       root          1    RUNNING      0:0 ',
        '13.batch          batch                  root          1    RUNNING      0:0 ',
        '15           longname_+      debug       root          1    PENDING      0:0 ',
        '',
      ].join('\n'),
    );
  });

  it('-X drops the .batch lines', () => {
    expect(sacct(SACCT_DEFAULT_FIELDS, { allocationsOnly: true }).split('\n').filter((l) => l.includes('.batch'))).toEqual([]);
  });

  it('-b shows JobID, State and ExitCode', () => {
    const out = sacct(SACCT_BRIEF_FIELDS, { selectors: parseJobIdList('8') });
    expect(out).toBe(
      ['JobID             State ExitCode ', '------------ ---------- -------- ', '8             COMPLETED      0:0 ', '8.batch       COMPLETED      0:0 ', ''].join('\n'),
    );
  });
});

describe('sacct -p / -P / --delimiter', () => {
  it('-p ends every field with |', () => {
    expect(sacct(SACCT_DEFAULT_FIELDS, { selectors: parseJobIdList('8'), mode: { kind: 'parsable', delimiter: '|', trailing: true } })).toBe(
      ['JobID|JobName|Partition|Account|AllocCPUS|State|ExitCode|', '8|ok|debug|root|1|COMPLETED|0:0|', '8.batch|batch||root|1|COMPLETED|0:0|', ''].join('\n'),
    );
  });

  it('-P puts the delimiter between fields only, and --delimiter changes it', () => {
    expect(sacct(SACCT_DEFAULT_FIELDS, { selectors: parseJobIdList('8'), mode: { kind: 'parsable', delimiter: ':', trailing: false } })).toBe(
      ['JobID:JobName:Partition:Account:AllocCPUS:State:ExitCode', '8:ok:debug:root:1:COMPLETED:0:0', '8.batch:batch::root:1:COMPLETED:0:0', ''].join('\n'),
    );
  });

  it('matches real sacct -P for the usual script fields, incl. Partition_Limit, None assigned, Unknown and CANCELLED by', () => {
    const fields =
      'jobid,jobidraw,jobname,state,exitcode,elapsed,start,end,submit,partition,user,account,alloccpus,nnodes,nodelist,timelimit,reason,workdir,comment';
    const out = sacct(fields, { selectors: parseJobIdList('8,11,12_3,15'), mode: { kind: 'parsable', delimiter: '|', trailing: false } });
    expect(out.split('\n')).toEqual([
      'JobID|JobIDRaw|JobName|State|ExitCode|Elapsed|Start|End|Submit|Partition|User|Account|AllocCPUS|NNodes|NodeList|Timelimit|Reason|WorkDir|Comment',
      '8|8|ok|COMPLETED|0:0|00:00:01|2026-11-21T16:30:28|2026-11-21T16:30:29|2026-11-21T16:30:28|debug|root|root|1|1|vm|01:00:00|None|/tmp/cli-slurm|',
      '8.batch|8.batch|batch|COMPLETED|0:0|00:00:01|2026-11-21T16:30:28|2026-11-21T16:30:29|2026-11-21T16:30:28|||root|1|1|vm||||',
      '11|11|cxl|CANCELLED by root|0:0|00:00:01|2026-11-21T16:30:32|2026-11-21T16:30:33|2026-11-21T16:30:28|debug|root|root|1|1|vm|01:00:00|None|/tmp/cli-slurm|hello world',
      '11.batch|11.batch|batch|CANCELLED|0:0|00:00:01|2026-11-21T16:30:32|2026-11-21T16:30:33|2026-11-21T16:30:32|||root|1|1|vm||||',
      '12_3|12|arr|FAILED|3:0|00:00:00|2026-11-21T16:30:34|2026-11-21T16:30:34|2026-11-21T16:30:28|debug|root|root|1|1|vm|01:00:00|None|/tmp/cli-slurm|',
      '12_3.batch|12.batch|batch|FAILED|3:0|00:00:00|2026-11-21T16:30:34|2026-11-21T16:30:34|2026-11-21T16:30:34|||root|1|1|vm||||',
      '15|15|longname_abcdefghijk|PENDING|0:0|00:00:00|Unknown|Unknown|2026-11-21T16:30:28|debug|root|root|1|1|None assigned|Partition_Limit|None|/tmp/cli-slurm|',
      '',
    ]);
  });
});

describe('sacct -o widths', () => {
  it('%N right-justifies, %-N left-justifies, strings get +, times overflow (real sacct output)', () => {
    expect(sacct('jobid%20,jobname%-15,state%5,exitcode%-3,elapsed%4', { selectors: parseJobIdList('8') })).toBe(
      [
        '               JobID JobName         State Exi Elap ',
        '-------------------- --------------- ----- --- ---- ',
        '                   8 ok              COMP+ 0:0 00:00:01 ',
        '             8.batch batch           COMP+ 0:0 00:00:01 ',
        '',
      ].join('\n'),
    );
  });

  it('pads the last field too (-n, real sacct)', () => {
    expect(sacct('jobid,jobname%30', { selectors: parseJobIdList('8'), allocationsOnly: true, header: false })).toBe(`8            ${' '.repeat(28)}ok \n`);
  });

  it('refuses an unknown field by name', () => {
    expect(() => parseSacctFields('JobID,foo')).toThrow(SacctFieldError);
    expect(() => parseSacctFields('JobID,foo')).toThrow('Invalid field requested: "foo"');
  });

  it('accepts the -l usage fields and prints them blank', () => {
    expect(sacct('JobID,MaxRSS', { selectors: parseJobIdList('8'), allocationsOnly: true, header: false })).toBe('8                       \n');
  });
});

describe('sacct rows', () => {
  it('-j N.batch prints the step line only; with -X the job line', () => {
    expect(sacct('JobID', { selectors: parseJobIdList('8.batch'), header: false })).toBe('8.batch      \n');
    expect(sacct('JobID', { selectors: parseJobIdList('8.batch'), allocationsOnly: true, header: false })).toBe('8            \n');
  });

  it('-j with a task raw id selects that task', () => {
    expect(sacct('JobID', { selectors: parseJobIdList('16'), allocationsOnly: true, header: false })).toBe('12_1         \n');
  });

  it('folds array tasks that never started into one N_[…%throttle] line per state, without a .batch line', () => {
    const job = makeJob({
      id: 19,
      isArray: true,
      arrayMaxConcurrent: 2,
      arrayTasks: [
        makeTask(0, 20, { state: 'RUNNING', startTime: iso(16, 32, 33), nodeList: 'vm' }),
        ...[1, 2, 3].map((i) => makeTask(i, 30 + i, { state: 'PENDING' })),
        ...[4, 5].map((i) => makeTask(i, 30 + i, { state: 'CANCELLED' })),
      ],
    });
    expect(sacct('JobID,State', { jobs: [job], header: false, mode: { kind: 'parsable', delimiter: '|', trailing: false } })).toBe(
      ['19_0|RUNNING', '19_0.batch|RUNNING', '19_[1-3%2]|PENDING', '19_[4-5%2]|CANCELLED', ''].join('\n'),
    );
  });

  it('-s filters on the state of each line', () => {
    expect(sacct('JobID', { states: new Set(['RUNNING']), allocationsOnly: true, header: false })).toBe('13           \n');
  });

  it('uses the partition limit once a job without --time has started, Partition_Limit before', () => {
    const out = sacct('JobID,Timelimit,TimelimitRaw', { selectors: parseJobIdList('8,13,15'), allocationsOnly: true, header: false });
    expect(out).toBe(['8              01:00:00         60 ', '13             00:01:00          1 ', '15           Partition+ Partition+ ', ''].join('\n'));
  });
});
