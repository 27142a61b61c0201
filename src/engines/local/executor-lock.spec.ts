import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutorLock, LockHolder } from './executor-lock';
import { stampOf } from './runtime/process-stamp';

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcg-lock-'));
  lockPath = join(dir, 'executor.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const holder = (): LockHolder => JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;

describe('ExecutorLock', () => {
  it('is held by one instance at a time, and passes on when released', () => {
    const a = new ExecutorLock(lockPath);
    const b = new ExecutorLock(lockPath);
    expect(a.ensureHeld()).toBe(true);
    expect(b.ensureHeld()).toBe(false);
    expect(a.ensureHeld()).toBe(true);
    expect(holder().pid).toBe(process.pid);
    a.release();
    expect(b.ensureHeld()).toBe(true);
    expect(a.ensureHeld()).toBe(false);
  });

  it('takes over a lock whose holder is gone (a recycled pid with another start time)', () => {
    const me = stampOf(process.pid)!;
    const stale: LockHolder = { ...me, startTicks: '1', token: 'dead-executor', acquiredAt: '2020-01-01T00:00:00Z' };
    writeFileSync(lockPath, JSON.stringify(stale));
    const lock = new ExecutorLock(lockPath);
    expect(lock.ensureHeld()).toBe(true);
    expect(holder().token).not.toBe('dead-executor');
  });

  it('stands down when its lock was replaced by another holder', () => {
    const a = new ExecutorLock(lockPath);
    expect(a.ensureHeld()).toBe(true);
    const other: LockHolder = { ...stampOf(process.pid)!, token: 'someone-else', acquiredAt: new Date().toISOString() };
    writeFileSync(lockPath, JSON.stringify(other));
    expect(a.ensureHeld()).toBe(false);
    a.release();
    expect(holder().token).toBe('someone-else');
  });
});
