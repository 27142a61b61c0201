import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { type Footprint, type Limits, effectiveLimits, exceedsAlone, hasRunningLimits, runningBlock } from './effective-limits';
import { LimitsRepository } from './limits.repository';

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

  /** Throws LIMIT_EXCEEDED, naming the limit, when a submission is over a submit-time cap. */
  async checkSubmit(user: { userId: number; username: string; groups: string[] }, job: Footprint & { tasks: number }): Promise<void> {
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
    if (limits.maxQueued === undefined) return;
    const queued = await this.repo.queuedCount(user.userId);
    if (queued + job.tasks > limits.maxQueued) {
      throw new DomainError(
        ErrorCode.LIMIT_EXCEEDED,
        `QOSMaxSubmitJobPerUserLimit: ${user.username} has ${queued} unfinished jobs; ${job.tasks} more would exceed the limit of ${limits.maxQueued} (limit maxQueued)`,
        { limit: 'maxQueued', queued, asked: job.tasks, allowed: limits.maxQueued },
      );
    }
  }

  /** Without locking: whether a waiting job would still be held (the gate's check before releasing it). */
  async blockedNow(userId: number, groups: string[], job: Footprint): Promise<string | null> {
    const limits = this.limitsOf(groups);
    return hasRunningLimits(limits) ? runningBlock(limits, await this.repo.runningUsage(userId), job) : null;
  }

  hasRunningLimits(groups: string[]): boolean {
    return hasRunningLimits(this.limitsOf(groups));
  }

  /** The exact admission before a job goes to its engine; null when the job is no longer READY. */
  admit(jobId: number, userId: number, groups: string[], job: Footprint): Promise<{ attempt: number } | { waitReason: string } | null> {
    const limits = this.limitsOf(groups);
    return this.repo.admit(jobId, userId, (usage) => runningBlock(limits, usage, job));
  }
}
