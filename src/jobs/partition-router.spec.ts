import { choosePartition, type RouteCandidate } from './partition-router';

const now = new Date('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const job = { cpus: 1, runMinutes: 10 };

function candidate(partition: string, cpus: number, busyUntil: number[], queued = 0, down = false): RouteCandidate {
  return {
    partition,
    down,
    queue: { cpus, running: busyUntil.map((m) => ({ cpus: 1, endsBy: at(m) })), queued: Array.from({ length: queued }, (_, i) => ({ id: i + 1, cpus: 1, runMinutes: 10 })) },
  };
}

describe('choosing a partition', () => {
  it('earliest-start: the partition where the job starts first, the list order breaking ties', () => {
    const full = candidate('slurm', 1, [30]);
    const free = candidate('local', 2, [30]);
    expect(choosePartition([full, free], job, 'earliest-start', now)).toMatchObject({ partition: 'local', expectedStart: now });
    expect(choosePartition([candidate('a', 1, []), candidate('b', 1, [])], job, 'earliest-start', now).partition).toBe('a');
    // Both full: the one whose running job ends first.
    expect(choosePartition([candidate('a', 1, [30]), candidate('b', 1, [5])], job, 'earliest-start', now)).toMatchObject({ partition: 'b', expectedStart: at(5) });
  });

  it('in-order: the first with room now, else the first: fills one engine before the next', () => {
    expect(choosePartition([candidate('a', 2, [30]), candidate('b', 8, [])], job, 'in-order', now).partition).toBe('a');
    expect(choosePartition([candidate('a', 2, [30, 30]), candidate('b', 8, [])], job, 'in-order', now).partition).toBe('b');
    expect(choosePartition([candidate('a', 1, [30]), candidate('b', 1, [5])], job, 'in-order', now).partition).toBe('a');
  });

  it('least-loaded: the largest share of CPUs free, counting the queue', () => {
    expect(choosePartition([candidate('a', 4, [30, 30]), candidate('b', 10, [30, 30, 30])], job, 'least-loaded', now).partition).toBe('b');
    expect(choosePartition([candidate('a', 4, [], 3), candidate('b', 4, [30])], job, 'least-loaded', now).partition).toBe('b');
  });

  it('passes over an unreachable engine, and takes the first when none answers', () => {
    expect(choosePartition([candidate('a', 8, [], 0, true), candidate('b', 1, [30])], job, 'earliest-start', now).partition).toBe('b');
    expect(choosePartition([candidate('a', 8, [], 0, true), candidate('b', 1, [], 0, true)], job, 'in-order', now)).toMatchObject({ partition: 'a', expectedStart: null });
  });
});
