/**
 * The health of one pool member, HAProxy-style: `fall` consecutive failed checks take it out of
 * rotation, `rise` consecutive good checks bring it back. A connection error seen while proxying
 * ejects it at once (passive check); it then needs `rise` good active checks like any other down member.
 */
export interface HealthThresholds {
  rise: number;
  fall: number;
}

export interface CheckResult {
  ok: boolean;
  /** Time to the response headers; null when there was no response. */
  latencyMs: number | null;
  /** "200", "connection refused", "timed out after 1000ms", … */
  detail: string;
}

export type HealthTransition = 'up' | 'down' | null;

export class MemberHealth {
  healthy = true;
  okStreak = 0;
  failStreak = 0;
  checksOk = 0;
  checksFailed = 0;
  ejections = 0;
  lastCheck: (CheckResult & { at: number }) | null = null;
  /** When `healthy` last changed (or the member was created). */
  since: number;
  /** Why the member is down, when it is. */
  reason: string | null = null;

  constructor(private readonly thresholds: HealthThresholds, now: number) {
    this.since = now;
  }

  recordCheck(result: CheckResult, now: number): HealthTransition {
    this.lastCheck = { ...result, at: now };
    if (result.ok) {
      this.checksOk++;
      this.failStreak = 0;
      this.okStreak++;
      if (!this.healthy && this.okStreak >= this.thresholds.rise) return this.change(true, null, now);
      return null;
    }
    this.checksFailed++;
    this.okStreak = 0;
    this.failStreak++;
    if (this.healthy && this.failStreak >= this.thresholds.fall) return this.change(false, `health check: ${result.detail}`, now);
    if (!this.healthy) this.reason = `health check: ${result.detail}`;
    return null;
  }

  /** Passive check: proxying to the member failed to connect. */
  eject(detail: string, now: number): HealthTransition {
    this.okStreak = 0;
    if (!this.healthy) return null;
    this.ejections++;
    return this.change(false, `ejected: ${detail}`, now);
  }

  private change(healthy: boolean, reason: string | null, now: number): HealthTransition {
    this.healthy = healthy;
    this.reason = reason;
    this.since = now;
    this.okStreak = 0;
    this.failStreak = 0;
    return healthy ? 'up' : 'down';
  }
}
