import { classifyTask, LAUNCHER_LOST_REASON, LAUNCHER_NEVER_STARTED_REASON, LAUNCHER_START_GRACE_MS, ORPHANED_CLAIM_GRACE_MS } from './task-phase';
import { EMPTY_SNAPSHOT, TaskSnapshot } from './task-snapshot';

const now = new Date('2030-01-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const stamp = { pid: 4242, startTicks: '100', bootId: null };
const snap = (over: Partial<TaskSnapshot>): TaskSnapshot => ({ ...EMPTY_SNAPSHOT, ...over });
const alive = () => true;
const dead = () => false;

describe('classifyTask', () => {
  it('an exit record is final, whatever else the directory holds', () => {
    const exit = { state: 'COMPLETED' as const, exitCode: 0, signal: null, endTime: ago(0), reason: null };
    expect(classifyTask(snap({ exit, claim: { claimedAt: ago(10), by: 'executor' }, launcher: stamp }), now, dead)).toEqual({ kind: 'done', exit });
  });

  it('a claimed task runs while its launcher lives, and is lost when it does not', () => {
    const claimed = snap({ claim: { claimedAt: ago(1000), by: 'executor' }, launcher: stamp });
    expect(classifyTask(claimed, now, alive)).toEqual({ kind: 'running' });
    expect(classifyTask(claimed, now, dead)).toEqual({ kind: 'lost', reason: LAUNCHER_LOST_REASON });
  });

  it('gives a launcher that has not written its stamp yet a grace period', () => {
    expect(classifyTask(snap({ claim: { claimedAt: ago(500), by: 'executor' } }), now, dead)).toEqual({ kind: 'running' });
    expect(classifyTask(snap({ claim: { claimedAt: ago(LAUNCHER_START_GRACE_MS + 1), by: 'executor' } }), now, dead)).toEqual({
      kind: 'lost',
      reason: LAUNCHER_NEVER_STARTED_REASON,
    });
  });

  it('a claim whose launcher never passed its gate goes back to the queue: soon when its claimer died, after the grace when it lives', () => {
    const claimer = { pid: 77, startTicks: '5', bootId: null };
    const claimed = (waitedMs: number) => snap({ claim: { claimedAt: ago(waitedMs), by: 'executor', attempt: '0123456789abcdef', claimer } });
    const claimerAlive = (s: { pid: number }) => s.pid === claimer.pid;
    expect(classifyTask(claimed(ORPHANED_CLAIM_GRACE_MS - 100), now, dead)).toEqual({ kind: 'running' });
    expect(classifyTask(claimed(ORPHANED_CLAIM_GRACE_MS + 1), now, dead)).toEqual({ kind: 'unstarted' });
    expect(classifyTask(claimed(ORPHANED_CLAIM_GRACE_MS + 1), now, claimerAlive)).toEqual({ kind: 'running' });
    expect(classifyTask(claimed(LAUNCHER_START_GRACE_MS + 1), now, claimerAlive)).toEqual({ kind: 'unstarted' });
    // A requeue that took the gate but did not get to remove the claim is finished by the next pass.
    expect(classifyTask({ ...claimed(10), abandoned: true }, now, claimerAlive)).toEqual({ kind: 'unstarted' });
  });

  it('a launcher that passed its gate and died is NODE_FAIL, never requeued (its script may have run)', () => {
    const claim = { claimedAt: ago(LAUNCHER_START_GRACE_MS + 1), by: 'executor' as const, attempt: '0123456789abcdef', claimer: null };
    expect(classifyTask(snap({ claim, launcher: stamp }), now, dead)).toEqual({ kind: 'lost', reason: LAUNCHER_LOST_REASON });
  });

  it('a cancel before start (marker only, or claimed by cancel) never runs', () => {
    expect(classifyTask(snap({ cancelRequested: true }), now, dead)).toEqual({ kind: 'cancelled-pending' });
    expect(classifyTask(snap({ claim: { claimedAt: ago(60_000), by: 'cancel' } }), now, dead)).toEqual({ kind: 'cancelled-pending' });
  });

  it('anything else is queued', () => {
    expect(classifyTask(EMPTY_SNAPSHOT, now, dead)).toEqual({ kind: 'queued' });
  });
});
