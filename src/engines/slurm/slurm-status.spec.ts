import { parseSacct, parseSqueue, sacctUpdate, squeueUpdate } from './slurm-status';
import { mapSlurmState } from './slurm-states';

// Lines as the real Slurm 22.05 prints them (recorded from the test cluster).
const SQUEUE = [
  '3|3|N/A|FAILED|NonZeroExitCode|2026-11-21T20:16:35|2026-11-21T20:16:35|vm|768|hpcg-slurm-a|hpcg:x:3|',
  '2|2|3|PENDING|JobArrayTaskLimit|N/A|N/A||0|hpcg-slurm-a|hpcg:x:2|',
  '1|1|N/A|PENDING|JobHeldUser|N/A|N/A||0|hpcg-slurm-a|hpcg:x:1 a|b comment|',
  '4|2|0|RUNNING|None|2026-11-21T20:16:35|2026-11-21T20:46:35|vm|0|hpcg-slurm-a|hpcg:x:2|',
  '9|9|N/A|CANCELLED|None|2026-11-21T20:16:35|2026-11-21T20:16:40|vm|15|hpcg-slurm-a|hpcg:x:9|',
].join('\n');

describe('Slurm status parsing', () => {
  it('reads squeue rows into gateway task updates, exit codes and signals from the wait status', () => {
    const rows = parseSqueue(SQUEUE);
    expect(rows.map((r) => [r.ref, r.arrayIndex, r.comment])).toEqual([
      ['3', null, 'hpcg:x:3'],
      ['2', 3, 'hpcg:x:2'],
      ['1', null, 'hpcg:x:1 a|b comment'],
      ['2', 0, 'hpcg:x:2'],
      ['9', null, 'hpcg:x:9'],
    ]);
    expect(squeueUpdate(10, rows[0])).toMatchObject({ jobId: 10, arrayIndex: null, state: 'FAILED', exitCode: 3, signal: null, reason: 'NonZeroExitCode', node: 'vm' });
    expect(squeueUpdate(10, rows[1])).toMatchObject({ arrayIndex: 3, state: 'PENDING', reason: 'JobArrayTaskLimit', startTime: null, exitCode: null });
    expect(squeueUpdate(10, rows[2])).toMatchObject({ state: 'HELD', reason: 'JobHeldUser' });
    expect(squeueUpdate(10, rows[3])).toMatchObject({ state: 'RUNNING', reason: null, endTime: null });
    expect(squeueUpdate(10, rows[4])).toMatchObject({ state: 'CANCELLED', exitCode: 0, signal: 15 });
  });

  it('reads sacct allocations; a pending array range has no task to report', () => {
    const rows = parseSacct(['3|3|FAILED|3:0|2026-11-21T20:16:35|2026-11-21T20:16:35|vm|None|hpcg-slurm-a|hpcg:x:3:0123456789abcdef0123456789abcdef a|b', '4|2_0|CANCELLED by 0|0:15|2026-11-21T20:16:35|2026-11-21T20:16:36|vm|None|hpcg-slurm-b|', '2|2_[3-5]|PENDING|0:0|Unknown|Unknown|None assigned|JobArrayTaskLimit|hpcg-slurm-a|'].join('\n'));
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.user, r.comment])).toEqual([['hpcg-slurm-a', 'hpcg:x:3:0123456789abcdef0123456789abcdef a|b'], ['hpcg-slurm-b', '']]);
    expect(sacctUpdate(5, rows[0])).toMatchObject({ arrayIndex: null, state: 'FAILED', exitCode: 3, signal: null });
    expect(sacctUpdate(5, rows[1])).toMatchObject({ arrayIndex: 0, state: 'CANCELLED', exitCode: 0, signal: 15 });
  });

  it('never guesses an unknown state', () => {
    expect(() => mapSlurmState('WEIRD', null)).toThrow(/unknown Slurm job state/);
    expect(mapSlurmState('COMPLETING', null)).toBe('RUNNING');
    expect(mapSlurmState('BOOT_FAIL', null)).toBe('NODE_FAIL');
  });
});
