import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig, ResolvedPartition } from '../config/load-config';
import { JobLifecycle } from './job-lifecycle';
import { nextPartition, storedRoute, timeLimitIn } from './job-route';
import { type JobRow, storedSpec } from './jobs.repository';
import { choosePartition } from './partition-router';
import { PartitionQueuesService } from './start-estimate/partition-queues.service';

/**
 * Places a job of several partitions (issue 17): at its first dispatch, on the partition its route's rule
 * picks from what the gateway knows this pass; later, on the next partition of its route when its engine
 * refuses it or stays unreachable past the site's `routing.moveAfterSeconds`.
 */
@Injectable()
export class JobRouter {
  /** Choices in this worker are made one at a time, so each sees the jobs placed just before it. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: PartitionQueuesService,
    private readonly lifecycle: JobLifecycle,
    @InjectPinoLogger(JobRouter.name) private readonly log: PinoLogger,
  ) {}

  /** True when the job must be placed before it is dispatched. */
  needsPlacing(job: JobRow): boolean {
    return !job.placedAt && storedRoute(job) !== null;
  }

  /** Chooses the job's partition and records it; false when the job left READY meanwhile. */
  place(job: JobRow, now = new Date()): Promise<boolean> {
    const run = this.turn.then(() => this.choose(job, now));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async choose(job: JobRow, now: Date): Promise<boolean> {
    const route = storedRoute(job)!;
    const names = route.partitions.slice(0, route.choose);
    const known = await this.queues.load(names, now);
    const candidates = names.flatMap((name) => {
      const k = known.get(name);
      return k ? [{ partition: name, queue: k.queue, down: k.down }] : [];
    });
    // None of them configured any more: the dispatcher fails the job, as for a job of one partition.
    if (candidates.length === 0) return true;
    const first = this.partition(candidates[0].partition);
    const runMinutes = this.queues.runMinutes(timeLimitIn(storedSpec(job), first), first);
    const choice = choosePartition(candidates, { cpus: job.cpus, runMinutes }, route.rule, now);
    this.log.info({ jobId: job.id, partition: choice.partition, why: choice.why }, 'partition chosen');
    return this.lifecycle.place(job, this.target(job, this.partition(choice.partition)), `partition ${choice.partition} chosen: ${choice.why}`, null, now);
  }

  /**
   * Moves the job to the partition after its current one; false when there is none (or the job left READY).
   * `mayHaveReached`: the engine it leaves, when an attempt there may have reached it.
   */
  async moveOn(job: JobRow, why: string, mayHaveReached: string | null, now = new Date()): Promise<boolean> {
    const route = storedRoute(job);
    const next = route && nextPartition(route, job.partition);
    const partition = next ? this.config.partitions.find((p) => p.name === next) : undefined;
    if (!partition) return false;
    this.log.warn({ jobId: job.id, from: job.partition, to: partition.name, why }, 'job moves to the next partition of its list');
    // On the same engine, the next attempt's reconciliation adopts any copy the last one left there.
    const left = mayHaveReached !== partition.engine ? mayHaveReached : null;
    return this.lifecycle.place(job, this.target(job, partition), `moved from ${job.partition} to ${partition.name}: ${why}`, left, now);
  }

  /** The job's placement in a partition: its engine and the time limit it runs under there. */
  private target(job: JobRow, partition: ResolvedPartition) {
    return { partition: partition.name, engine: partition.engine, timeLimitMinutes: timeLimitIn(storedSpec(job), partition) };
  }

  private partition(name: string): ResolvedPartition {
    return this.config.partitions.find((p) => p.name === name) as ResolvedPartition;
  }
}
