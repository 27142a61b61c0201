import { Injectable } from '@nestjs/common';
import { logFailure } from '../common/log-failure';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DomainError, ErrorCode, badInput, notFound } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { EngineRegistry } from '../engines/engine-registry';
import type { OutputChunk, OutputStream } from '../engines/engine';
import { JobQueueService } from '../queue/job-queue.service';
import { isTerminal } from '../domain/job';
import { JobLifecycle } from './job-lifecycle';
import { JobQuery, JobRow, JobsRepository } from './jobs.repository';
import { storedJobView, storedPlacement } from './engine-job';

export interface OutputArgs {
  arrayIndex: number | null;
  stream: OutputStream;
  tail: number | null;
  offset: number;
  limit: number;
}

const MAX_OUTPUT_BYTES = 1024 * 1024;

/** Reading and changing jobs on behalf of a caller: a user sees and changes only their own, an admin all. */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly engines: EngineRegistry,
    private readonly queue: JobQueueService,
    private readonly lifecycle: JobLifecycle,
    @InjectPinoLogger(JobsService.name) private readonly log: PinoLogger,
  ) {}

  /**
   * A job by id (or an array task's raw id); null when it does not exist or is another user's: the
   * two answers are the same, so nobody learns whether someone else's job exists.
   */
  async find(caller: Principal, id: number): Promise<JobRow | null> {
    const job = await this.jobs.findByAnyId(id);
    return job && (caller.admin || job.userId === caller.userId) ? job : null;
  }

  async get(caller: Principal, id: number): Promise<JobRow> {
    const job = await this.find(caller, id);
    if (!job) throw notFound(`Invalid job id specified: ${id}`, { id });
    return job;
  }

  list(caller: Principal, query: JobQuery, offset: number, limit: number) {
    return this.jobs.list(caller.admin ? query : { ...query, userId: caller.userId }, offset, limit);
  }

  events(jobId: number) {
    return this.jobs.events(jobId);
  }

  /**
   * scancel. A job still in the gateway is cancelled at once; one its engine holds is marked and the
   * worker carries the cancel to the engine (the mark survives a Redis loss: the sweeper repeats it).
   */
  async cancel(caller: Principal, id: number, arrayIndex: number | null): Promise<JobRow> {
    return this.cancelJob(await this.get(caller, id), id, arrayIndex, `user:${caller.username}`);
  }

  /**
   * A user who lost access starts nothing new: their jobs that have not started (pending, held, in
   * the gateway or in an engine queue) are cancelled; running ones finish; history stays.
   */
  async cancelNotStarted(userId: number, actor: string): Promise<number[]> {
    const { items } = await this.jobs.list({ userId, states: ['PENDING', 'HELD'] }, 0, 100_000);
    for (const job of items) await this.cancelJob(job, job.id, null, actor);
    return items.map((j) => j.id);
  }

  /** Cancels a job for a caller already checked elsewhere (a notebook's owner) or for the gateway itself (a timed-out notebook). */
  async cancelAsSystem(jobId: number, actor: string): Promise<void> {
    const job = await this.jobs.findById(jobId);
    if (job) await this.cancelJob(job, jobId, null, actor);
  }

  private async cancelJob(job: JobRow, id: number, arrayIndex: number | null, actor: string): Promise<JobRow> {
    // A task's own id (JobIDRaw) names just that task, as in Slurm.
    if (job.id !== id && arrayIndex === null) arrayIndex = job.tasks.find((t) => t.rawId === id)?.index ?? null;
    const task = arrayIndex === null ? null : job.tasks.find((t) => t.index === arrayIndex);
    if (arrayIndex !== null && !task) throw badInput(`Invalid job id specified: ${id}_${arrayIndex} (job ${id} has no array task ${arrayIndex})`, { id, arrayIndex });
    if (task ? isTerminal(task.state) : isTerminal(job.state)) return job;
    if ((await this.lifecycle.cancel(job, arrayIndex, actor)) === 'requested') {
      // The cancel mark is committed: the sweeper carries it to the engine if this enqueue is lost.
      await this.queue.cancel(job.id, arrayIndex).catch(logFailure(this.log, 'could not enqueue a cancel; the sweeper will', { jobId: job.id, arrayIndex }));
    }
    return this.reread(job.id);
  }

  /** scontrol hold: only while the job waits in the gateway (its engine does not have it yet). */
  async hold(caller: Principal, id: number): Promise<JobRow> {
    const job = await this.get(caller, id);
    if (job.state === 'HELD') return job;
    const refuse = () =>
      new DomainError(ErrorCode.CONFLICT, `Job ${id} cannot be held: it is ${job.state.toLowerCase()} in engine ${job.engine}; only jobs still waiting in the gateway can be held`, { id });
    if (job.state !== 'PENDING' || job.submitStatus === 'SUBMITTED') throw refuse();
    if (!(await this.lifecycle.hold(job, `user:${caller.username}`))) throw refuse();
    return this.reread(job.id);
  }

  /** scontrol release: the gate decides what the job waits for next. */
  async release(caller: Principal, id: number): Promise<JobRow> {
    const job = await this.get(caller, id);
    if (job.state !== 'HELD') return job;
    await this.lifecycle.release(job, `user:${caller.username}`);
    await this.queue.sweep().catch(logFailure(this.log, 'could not enqueue a sweep for a released job; the periodic one will run', { jobId: job.id }));
    return this.reread(job.id);
  }

  async output(caller: Principal, id: number, args: OutputArgs): Promise<OutputChunk> {
    const job = await this.get(caller, id);
    if (args.arrayIndex !== null && !job.tasks.some((t) => t.index === args.arrayIndex)) {
      throw badInput(`job ${id} has no array task ${args.arrayIndex}`, { field: 'arrayIndex' });
    }
    if (args.arrayIndex === null && job.tasks.length > 0) throw badInput(`job ${id} is an array job: name the task with arrayIndex`, { field: 'arrayIndex' });
    if (args.tail !== null && (args.tail < 1 || args.tail > 100_000)) throw badInput('tail must be 1-100000 lines', { field: 'tail' });
    if (args.offset < 0 || args.limit < 1 || args.limit > MAX_OUTPUT_BYTES) throw badInput(`offset must be >= 0 and limit 1-${MAX_OUTPUT_BYTES}`, { field: 'limit' });
    return this.readOutput(job, args);
  }

  /**
   * The gateway's own read of a job's output, for a caller checked elsewhere (a notebook's progress shows
   * the tail of its job's log). Null when the job does not exist.
   */
  async outputAsSystem(jobId: number, args: OutputArgs): Promise<OutputChunk | null> {
    const job = await this.jobs.findById(jobId);
    return job && this.readOutput(job, args);
  }

  private async readOutput(job: JobRow, args: OutputArgs): Promise<OutputChunk> {
    if (!job.engineRef) return { path: null, data: '', nextOffset: 0, size: 0 };
    return this.engines.get(job.engine).output(job.engineRef, job.id, {
      stream: args.stream,
      arrayIndex: args.arrayIndex,
      tailLines: args.tail,
      offset: args.offset,
      limit: args.limit,
      job: storedJobView(job),
      seen: storedPlacement(job, args.arrayIndex),
    });
  }

  private async reread(jobId: number): Promise<JobRow> {
    return (await this.jobs.findById(jobId)) as JobRow;
  }
}
