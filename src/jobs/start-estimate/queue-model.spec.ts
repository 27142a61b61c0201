import { estimateStarts } from './queue-model';

const now = new Date('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe('the gateway queue model', () => {
  it('starts a job at once when the partition has room', () => {
    const starts = estimateStarts({ cpus: 4, running: [{ cpus: 2, endsBy: at(30) }], queued: [{ id: 1, cpus: 2, runMinutes: 10 }] }, now);
    expect(starts.get(1)).toEqual(now);
  });

  it('waits for running jobs to reach their limits, then serves the queue in order', () => {
    const starts = estimateStarts(
      {
        cpus: 2,
        running: [
          { cpus: 1, endsBy: at(10) },
          { cpus: 1, endsBy: at(20) },
        ],
        queued: [
          { id: 1, cpus: 2, runMinutes: 5 },
          { id: 2, cpus: 1, runMinutes: 5 },
        ],
      },
      now,
    );
    expect(starts.get(1)).toEqual(at(20));
    // First come, first served: job 2 fits at minute 10 but never passes job 1.
    expect(starts.get(2)).toEqual(at(25));
  });

  it('honours a begin time and counts a job over its limit as ending now', () => {
    const starts = estimateStarts({ cpus: 1, running: [{ cpus: 1, endsBy: at(-5) }], queued: [{ id: 1, cpus: 1, runMinutes: 5, notBefore: at(7) }] }, now);
    expect(starts.get(1)).toEqual(at(7));
  });

  it('has no estimate for a job larger than the partition, or a partition of unknown size', () => {
    expect(estimateStarts({ cpus: 2, running: [], queued: [{ id: 1, cpus: 3, runMinutes: 5 }] }, now).get(1)).toBeNull();
    expect(estimateStarts({ cpus: null, running: [], queued: [{ id: 1, cpus: 1, runMinutes: 5 }] }, now).get(1)).toBeNull();
  });
});
