import { at, iso, makeJob } from '../../../test/cli/job-fixtures';
import { expandJob } from './printed-jobs';
import { renderShowJob } from './scontrol-job';
import { layoutFromFormat, renderSqueueLine } from './squeue-render';

/** Issue 17: a pending job's expected start, as Slurm shows it in squeue's %S and scontrol's StartTime. */
describe('expected start of a pending job', () => {
  const limits = new Map([['debug', 60]]);
  const pending = (estimatedStart: { time: string | null; source: 'ENGINE' | 'GATEWAY' } | null) =>
    expandJob(makeJob({ id: 21, state: 'PENDING', reason: 'Resources', partition: 'debug', submitTime: iso(16, 30, 0), estimatedStart }))[0];

  it('squeue %S shows the estimate for a pending job, N/A without one', () => {
    const layout = layoutFromFormat('%i %S');
    expect(renderSqueueLine(layout, pending({ time: iso(16, 45, 0), source: 'GATEWAY' }), { now: at(16, 31, 0), limits })).toMatch(/^\s*21 \d{4}-\d\d-\d\dT16:45:00$/);
    expect(renderSqueueLine(layout, pending(null), { now: at(16, 31, 0), limits })).toMatch(/^\s*21 N\/A$/);
  });

  it('scontrol show job gives it as StartTime', () => {
    const text = renderShowJob(pending({ time: iso(16, 45, 0), source: 'ENGINE' }), { now: at(16, 31, 0), limits, uids: new Map() }, false);
    expect(text).toMatch(/StartTime=\d{4}-\d\d-\d\dT16:45:00 EndTime=Unknown/);
  });
});
