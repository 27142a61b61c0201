import { MemberHealth } from './member-health';

const ok = { ok: true, latencyMs: 1, detail: 'HTTP 200' };
const bad = { ok: false, latencyMs: null, detail: 'connection refused' };

describe('MemberHealth (rise/fall)', () => {
  it('goes down after `fall` consecutive failures, not before, and a good check resets the count', () => {
    const h = new MemberHealth({ rise: 2, fall: 3 }, 0);
    expect(h.recordCheck(bad, 1)).toBeNull();
    expect(h.recordCheck(bad, 2)).toBeNull();
    expect(h.recordCheck(ok, 3)).toBeNull();
    expect(h.recordCheck(bad, 4)).toBeNull();
    expect(h.recordCheck(bad, 5)).toBeNull();
    expect(h.healthy).toBe(true);
    expect(h.recordCheck(bad, 6)).toBe('down');
    expect(h).toMatchObject({ healthy: false, since: 6, reason: 'health check: connection refused' });
  });

  it('comes back after `rise` consecutive good checks, and a failure starts the count again', () => {
    const h = new MemberHealth({ rise: 3, fall: 1 }, 0);
    expect(h.recordCheck(bad, 1)).toBe('down');
    expect(h.recordCheck(ok, 2)).toBeNull();
    expect(h.recordCheck(ok, 3)).toBeNull();
    expect(h.recordCheck(bad, 4)).toBeNull();
    expect(h.recordCheck(ok, 5)).toBeNull();
    expect(h.recordCheck(ok, 6)).toBeNull();
    expect(h.recordCheck(ok, 7)).toBe('up');
    expect(h).toMatchObject({ healthy: true, since: 7, reason: null, checksOk: 5, checksFailed: 2 });
  });

  it('is ejected at once by a passive failure and then needs `rise` good checks', () => {
    const h = new MemberHealth({ rise: 2, fall: 5 }, 0);
    expect(h.eject('connection refused', 10)).toBe('down');
    expect(h.eject('connection refused', 11)).toBeNull();
    expect(h).toMatchObject({ healthy: false, ejections: 1, reason: 'ejected: connection refused' });
    expect(h.recordCheck(ok, 12)).toBeNull();
    expect(h.recordCheck(ok, 13)).toBe('up');
  });

  it('keeps the last check for the status page', () => {
    const h = new MemberHealth({ rise: 1, fall: 1 }, 0);
    h.recordCheck(ok, 42);
    expect(h.lastCheck).toEqual({ ...ok, at: 42 });
  });
});
