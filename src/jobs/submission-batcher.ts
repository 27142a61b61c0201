import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { logFailure } from '../common/log-failure';
import { isConnectionLoss } from '../database/connection-loss';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { JobQueueService } from '../queue/job-queue.service';
import { JobUpdatesPubSub } from './job-updates.pubsub';
import { JobsRepository, NewJob } from './jobs.repository';
import { LimitsService, type QueuedRequest } from '../limits/limits.service';

interface Pending {
  job: NewJob;
  /** Its maxQueued check, made in the insert's transaction; null without that limit. */
  queued: QueuedRequest | null;
  resolve: (id: number) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Stores accepted jobs (JobLifecycle.accept) and, once committed, enqueues them and tells subscribers.
 * Group commit: plain jobs submitted in the same event-loop turn are stored with one INSERT and enqueued
 * with one queue write. Each round trip to PostgreSQL and Redis costs far more than a row, so under load
 * this multiplies throughput; a lone submission waits one tick at most. An array job (its tasks are rows
 * too) is stored on its own at once.
 */
@Injectable()
export class SubmissionBatcher {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly updates: JobUpdatesPubSub,
    private readonly limits: LimitsService,
    @InjectPinoLogger(SubmissionBatcher.name) private readonly log: PinoLogger,
  ) {}

  /** Stores a job: READY ones are enqueued for their engine, WAITING ones left to the gate. */
  async store(job: NewJob, queued: QueuedRequest | null): Promise<number> {
    if (job.arrayIndices) {
      const id = await this.retryingLostConnection(() => this.jobs.create(job, queued ? this.limits.queuedGuard([queued]) : undefined), 1);
      await this.committed([job], [id]);
      return id;
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ job, queued, resolve, reject });
      if (this.pending.length >= MAX_BATCH) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: (number | Error)[];
    // Only a batch with a maxQueued check pays for a transaction and the users' locks.
    try {
      const guard = batch.some((p) => p.queued) ? this.limits.queuedGuard(batch.map((p) => p.queued)) : undefined;
      results = await this.retryingLostConnection(() => this.jobs.createPlainMany(batch.map((p) => p.job), guard), batch.length);
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r instanceof Error) p.reject(r);
    });
    const stored = batch.filter((_, i) => typeof results[i] === 'number');
    const ids = results.filter((r): r is number => typeof r === 'number');
    if (ids.length === 0) return;
    await this.committed(stored.map((p) => p.job), ids);
    stored.forEach((p, i) => p.resolve(ids[i]));
  }

  /**
   * A database connection lost under a write (a failover, pg_terminate_backend) is retried once on a fresh
   * one: harmless, because every job carries an idempotency key (the client's or one accept drew), so a
   * write that did commit is found, not repeated. A second loss is reported as such, not as "internal".
   */
  private async retryingLostConnection<T>(write: () => Promise<T>, jobs: number): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!isConnectionLoss(e)) throw e;
      this.log.warn({ jobs, err: (e as Error).message }, 'database connection lost while storing submissions; retrying once');
    }
    try {
      return await write();
    } catch (e) {
      if (!isConnectionLoss(e)) throw e;
      this.log.error({ jobs, err: (e as Error).message }, 'database connection lost again while storing submissions');
      throw new DomainError(
        ErrorCode.UNAVAILABLE,
        'the database connection was lost twice while storing this submission, so whether it was stored is not known: submit it again with the same idempotency key (hpcg sbatch does this by itself), which returns the job if it was stored and stores it once if not',
        { service: 'database' },
      );
    }
  }

  /** The rows are committed: a failed enqueue only delays these jobs until the next sweep. */
  private async committed(jobs: NewJob[], ids: number[]): Promise<void> {
    const ready = ids.filter((_, i) => jobs[i].submitStatus === 'READY');
    await Promise.all([
      this.queue.submit(ready).catch(logFailure(this.log, 'could not enqueue stored jobs; the sweeper will', { jobIds: ready })),
      ready.length < ids.length ? this.queue.sweep().catch(logFailure(this.log, 'could not enqueue a sweep for gated jobs; the periodic one will run', { jobIds: ids })) : undefined,
      this.updates.publish(jobs.map((j, i) => ({ jobId: ids[i], userId: j.userId }))),
    ]);
  }
}
