import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSacct, parseScontrolJobs, parseSqueue, sacctUpdate, scontrolUpdate, squeueUpdate } from './slurm-status';
import { mapSlurmState } from './slurm-states';

// Lines as the real Slurm 22.05 prints them (recorded from the test cluster; test/slurm/recorded/README.md).
const recorded = (name: string) => readFileSync(join(__dirname, '../../../test/slurm/recorded', name), 'utf8');
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

  it('reads scontrol show job -o: final state, ExitCode code:signal, times and node of ended jobs and array tasks', () => {
    const rows = parseScontrolJobs(recorded('scontrol-show-job-ended.txt'));
    expect(rows.map((r) => [r.jobIdRaw, r.ref, r.arrayIndex, r.state, r.exitCode, r.user])).toEqual([
      ['1', '1', null, 'COMPLETED', '0:0', 'hpcg-slurm-a'],
      ['2', '2', null, 'FAILED', '3:0', 'hpcg-slurm-a'],
      ['3', '3', null, 'FAILED', '0:9', 'hpcg-slurm-a'],
      ['4', '4', null, 'CANCELLED', '0:15', 'hpcg-slurm-a'],
      ['7', '5', 0, 'COMPLETED', '0:0', 'hpcg-slurm-a'],
      ['6', '6', null, 'PENDING', '0:0', 'hpcg-slurm-a'],
      ['8', '5', 1, 'FAILED', '1:0', 'hpcg-slurm-a'],
      ['5', '5', 2, 'FAILED', '2:0', 'hpcg-slurm-a'],
    ]);
    const at = (s: string) => new Date(s);
    expect(scontrolUpdate(20, rows[1])).toEqual({ jobId: 20, arrayIndex: null, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: null, startTime: at('2026-12-02T12:06:45'), endTime: at('2026-12-02T12:06:46'), node: 'vm', engineId: '2' });
    expect(scontrolUpdate(20, rows[2])).toMatchObject({ state: 'FAILED', reason: 'JobLaunchFailure', exitCode: 0, signal: 9 });
    expect(scontrolUpdate(20, rows[3])).toMatchObject({ state: 'CANCELLED', reason: null, exitCode: 0, signal: 15, node: 'vm' });
    expect(scontrolUpdate(21, rows[6])).toMatchObject({ arrayIndex: 1, state: 'FAILED', exitCode: 1, engineId: '8' });
    expect(scontrolUpdate(22, rows[5])).toMatchObject({ state: 'HELD', reason: 'JobHeldUser', startTime: null, endTime: null, exitCode: null, node: null });
  });

  it('agrees with squeue and sacct on the same jobs, except where they lose the signal', () => {
    const byKey = <R extends { ref: string; arrayIndex: number | null }>(rows: R[]) => new Map(rows.map((r) => [`${r.ref}_${r.arrayIndex}`, r]));
    const ctld = byKey(parseScontrolJobs(recorded('scontrol-show-job-ended.txt')));
    const squeue = byKey(parseSqueue(recorded('squeue-ended.txt')));
    for (const [key, row] of squeue) {
      const a = squeueUpdate(1, row);
      const b = scontrolUpdate(1, ctld.get(key)!);
      expect([key, b.state, b.exitCode, b.signal, b.node]).toEqual([key, a.state, a.exitCode, a.signal, a.node]);
    }
    // sacct records a cancelled job as 0:0 where slurmctld says 0:15.
    const sacct = parseSacct(recorded('sacct-ended.txt')).find((r) => r.ref === '4')!;
    expect(sacctUpdate(1, sacct)).toMatchObject({ state: 'CANCELLED', exitCode: 0, signal: null });
  });

  it('a job name or comment with spaces and Key= words cannot move the fields; a pending array range and "No jobs" give no rows', () => {
    const rows = parseScontrolJobs(recorded('scontrol-show-job-live.txt'));
    expect(rows.map((r) => [r.jobIdRaw, r.ref, r.arrayIndex, r.state, r.user])).toEqual([
      ['1', '1', null, 'RUNNING', 'hpcg-slurm-a'],
      ['3', '2', 0, 'RUNNING', 'hpcg-slurm-a'],
    ]);
    expect(scontrolUpdate(1, rows[0])).toMatchObject({ state: 'RUNNING', exitCode: null, endTime: null, node: 'vm' });
    expect(parseScontrolJobs(recorded('scontrol-show-job-empty.txt'))).toEqual([]);
  });

  it('never guesses an unknown state', () => {
    expect(() => mapSlurmState('WEIRD', null)).toThrow(/unknown Slurm job state/);
    expect(mapSlurmState('COMPLETING', null)).toBe('RUNNING');
    expect(mapSlurmState('BOOT_FAIL', null)).toBe('NODE_FAIL');
  });
});
