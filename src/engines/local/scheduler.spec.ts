import { planStarts, QueuedJob } from './scheduler';

const job = (jobId: number, slotsPerTask: number, queued: string[], extra: Partial<QueuedJob> = {}): QueuedJob => ({
  jobId,
  slotsPerTask,
  maxConcurrent: null,
  running: 0,
  queued,
  ...extra,
});

describe('planStarts', () => {
  it('starts jobs in id order while slots last; the first that does not fit waits for Resources, later ones for Priority', () => {
    const d = planStarts([job(1, 1, ['batch']), job(2, 1, ['batch']), job(3, 1, ['batch']), job(4, 1, ['batch'])], 2);
    expect(d.start).toEqual([
      { jobId: 1, key: 'batch' },
      { jobId: 2, key: 'batch' },
    ]);
    expect(d.waiting).toEqual([
      { jobId: 3, key: 'batch', reason: 'Resources' },
      { jobId: 4, key: 'batch', reason: 'Priority' },
    ]);
  });

  it('first fit: a small job starts while a bigger one ahead of it waits', () => {
    const d = planStarts([job(1, 2, [], { running: 1 }), job(2, 4, ['batch']), job(3, 2, ['batch'])], 5);
    expect(d.start).toEqual([{ jobId: 3, key: 'batch' }]);
    expect(d.waiting).toEqual([{ jobId: 2, key: 'batch', reason: 'Resources' }]);
  });

  it('counts running tasks against the slots', () => {
    const d = planStarts([job(1, 1, [], { running: 2 }), job(2, 1, ['batch'])], 2);
    expect(d.start).toEqual([]);
    expect(d.waiting).toEqual([{ jobId: 2, key: 'batch', reason: 'Resources' }]);
  });

  it('respects an array throttle, including tasks already running', () => {
    const d = planStarts([job(7, 1, ['2', '3', '4', '5'], { maxConcurrent: 2, running: 1 })], 8);
    expect(d.start).toEqual([{ jobId: 7, key: '2' }]);
    expect(d.waiting.map((w) => [w.key, w.reason])).toEqual([
      ['3', 'JobArrayTaskLimit'],
      ['4', 'JobArrayTaskLimit'],
      ['5', 'JobArrayTaskLimit'],
    ]);
  });

  it('runs array tasks one at a time when each needs all the slots', () => {
    const d = planStarts([job(9, 2, ['0', '1', '2'])], 2);
    expect(d.start).toEqual([{ jobId: 9, key: '0' }]);
    expect(d.waiting.map((w) => w.reason)).toEqual(['Resources', 'Resources']);
  });

  it('a throttled array does not hold back the jobs behind it', () => {
    const d = planStarts([job(1, 1, ['1'], { maxConcurrent: 1, running: 1 }), job(2, 1, ['batch'])], 4);
    expect(d.start).toEqual([{ jobId: 2, key: 'batch' }]);
    expect(d.waiting).toEqual([{ jobId: 1, key: '1', reason: 'JobArrayTaskLimit' }]);
  });
});
