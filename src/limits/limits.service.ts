import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { type Footprint, type Limits, effectiveLimits, exceedsAlone, hasRunningLimits, runningBlock } from './effective-limits';
import { LimitsRepository } from './limits.repository';
import type { AttemptCheck, InsertGuard } from '../jobs/jobs.repository';

/** A submission's maxQueued check: who, how many tasks it adds (an array counts its tasks), the user's limit. */
export interface QueuedRequest {
  userId: number;
  username: string;
  tasks: number;
  maxQueued: number;
}

function queuedRefusal(r: QueuedRequest, queued: number): DomainError | null {
  if (queued + r.tasks <= r.maxQueued) return null;
  return new DomainError(
    ErrorCode.LIMIT_EXCEEDED,
    `QOSMaxSubmitJobPerUserLimit: ${r.username} has ${queued} unfinished jobs; ${r.tasks} more would exceed the limit of ${r.maxQueued} (limit maxQueued)`,
    { limit: 'maxQueued', queued, asked: r.tasks, allowed: r.maxQueued },
  );
}

const UNITS = { maxRunning: 'jobs running at once', maxCpus: 'CPUs', maxGpus: 'GPUs' } as Record<string, string>;

/**
 * Per-user limits from the site file (`limits`), as Slurm's QOS per-user limits behave:
 * maxQueued (MaxSubmitJobsPerUser) refuses a submission; maxRunning / maxCpus / maxGpus
 * (MaxJobsPerUser, MaxTRESPerUser) hold a job in the gateway with a Slurm reason until the user's
 * running jobs leave room, and refuse at submission a job that alone could never fit.
 */
@Injectable()
export class LimitsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: LimitsRepository,
  ) {}

  limitsOf(groups: string[]): Limits {
    return effectiveLimits(this.config.site.limits, groups);
  }

  /**
   * Throws LIMIT_EXCEEDED, naming the limit, when a job alone is over a running cap. Returns what its
   * maxQueued check needs (null when the user has no maxQueued): that check counts the user's jobs, so it
   * runs where the job is inserted, under the user's lock (`queuedGuard`), or it would race other submissions.
   */
  checkSubmit(user: { userId: number; username: string; groups: string[] }, job: Footprint & { tasks: number }): QueuedRequest | null {
    const limits = this.limitsOf(user.groups);
    const alone = exceedsAlone(limits, job);
    if (alone) {
      const hint = alone.limit === 'maxRunning' ? ' (throttle the array with --array=...%N)' : '';
      throw new DomainError(
        ErrorCode.LIMIT_EXCEEDED,
        `QOSMaxTRESPerUser: the job needs ${alone.asked} ${UNITS[alone.limit]} at once, more than the ${alone.allowed} allowed to ${user.username} (limit ${alone.limit})${hint}`,
        { limit: alone.limit, asked: alone.asked, allowed: alone.allowed },
      );
    }
    return limits.maxQueued === undefined ? null : { userId: user.userId, username: user.username, tasks: job.tasks, maxQueued: limits.maxQueued };
  }

  /** Without locking: whether the job would be refused by maxQueued now (`--test-only`, which stores nothing). */
  async checkQueuedNow(request: QueuedRequest | null): Promise<void> {
    if (!request) return;
    const refused = queuedRefusal(request, await this.repo.queuedCount(request.userId));
    if (refused) throw refused;
  }

  /**
   * The maxQueued check of jobs about to be inserted, run in the insert's transaction: it takes each
   * user's lock (the one admissions take) before counting, so parallel submissions of one user are
   * counted one after another and never queue more than the limit. Jobs without a request pass.
   */
  queuedGuard(requests: (QueuedRequest | null)[]): InsertGuard {
    return async (tx) => {
      const users = [...new Set(requests.flatMap((r) => (r ? [r.userId] : [])))];
      await this.repo.lockUsers(tx, users);
      const queued = new Map<number, number>();
      for (const userId of users) queued.set(userId, await this.repo.queuedCount(userId, tx));
      return requests.map((r) => {
        if (!r) return null;
        const n = queued.get(r.userId) as number;
        const refused = queuedRefusal(r, n);
        if (!refused) queued.set(r.userId, n + r.tasks);
        return refused;
      });
    };
  }

  /** Without locking: whether a waiting job would still be held (the gate's check before releasing it). */
  async blockedNow(userId: number, groups: string[], job: Footprint): Promise<string | null> {
    const limits = this.limitsOf(groups);
    return hasRunningLimits(limits) ? runningBlock(limits, await this.repo.runningUsage(userId), job) : null;
  }

  hasRunningLimits(groups: string[]): boolean {
    return hasRunningLimits(this.limitsOf(groups));
  }

  /**
   * The exact admission before a job goes to its engine, run in the transaction that begins its submit
   * attempt (JobLifecycle.beginAttempt): serialised per user, so two workers never both admit the last free
   * place. Returns the Slurm reason to wait with, or null to go. Null (no check) for users without running caps.
   */
  admission(jobId: number, userId: number, groups: string[], job: Footprint): AttemptCheck | null {
    const limits = this.limitsOf(groups);
    if (!hasRunningLimits(limits)) return null;
    return async (tx) => {
      await this.repo.lockUsers(tx, [userId]);
      return runningBlock(limits, await this.repo.runningUsage(userId, tx, jobId), job);
    };
  }
}
