import { randomUUID } from 'node:crypto';
import { linkSync, renameSync, rmSync } from 'node:fs';
import { isAlive, ProcessStamp, stampOf } from './runtime/process-stamp';
import { publishExclusive, readJsonIfExists } from './runtime/state-files';

/** Who runs the executor loop of a state directory. */
export interface LockHolder extends ProcessStamp {
  /** Tells apart two engines in one process (same pid). */
  token: string;
  acquiredAt: string;
}

/**
 * `<stateDir>/executor.lock`: exactly one executor loop per state directory, whatever the number of
 * workers. Created exclusively with its holder's process stamp; a lock whose holder process is gone is
 * stale and taken over. The holder re-reads the lock on every pass and stands down if it is no longer its own.
 */
export class ExecutorLock {
  private readonly token = randomUUID();
  private held = false;

  constructor(private readonly path: string) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Acquire the lock or confirm it is still ours. False: another live executor has it. */
  ensureHeld(): boolean {
    if (this.held) {
      if (this.holder()?.token === this.token) return true;
      this.held = false;
    }
    this.held = this.acquire();
    return this.held;
  }

  holder(): LockHolder | null {
    try {
      return readJsonIfExists(this.path) as LockHolder | null;
    } catch {
      return null; // unreadable content: treated as stale below
    }
  }

  release(): void {
    if (this.held && this.holder()?.token === this.token) rmSync(this.path, { force: true });
    this.held = false;
  }

  private acquire(): boolean {
    const stamp = stampOf(process.pid);
    if (!stamp) return false;
    const me: LockHolder = { ...stamp, token: this.token, acquiredAt: new Date().toISOString() };
    if (publishExclusive(this.path, JSON.stringify(me), 0o644)) return true;
    const current = this.holder();
    if (current && current.token && isAlive(current)) return false;
    return this.takeOver(current) && publishExclusive(this.path, JSON.stringify(me), 0o644);
  }

  /**
   * Moves a stale lock out of the way. Two processes may find the same stale lock: whoever moved a lock
   * that is no longer the stale one (someone else's fresh lock) puts it back and gives up.
   */
  private takeOver(stale: LockHolder | null): boolean {
    const grave = `${this.path}.stale-${this.token}`;
    try {
      renameSync(this.path, grave);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    let moved: LockHolder | null = null;
    try {
      moved = readJsonIfExists(grave) as LockHolder | null;
    } catch {
      moved = null;
    }
    if (moved?.token && moved.token !== stale?.token) {
      try {
        linkSync(grave, this.path);
      } catch {
        // Another fresh lock is in place already; ours to discard.
      }
      rmSync(grave, { force: true });
      return false;
    }
    rmSync(grave, { force: true });
    return true;
  }
}
