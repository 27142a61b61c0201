import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { JobDispatchService } from '../jobs/job-dispatch.service';
import { JobGateService } from '../jobs/job-gate.service';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobQueueService } from '../queue/job-queue.service';

const BATCH = 10_000;
/** A cancel not confirmed by the engine after this long is sent again. */
const CANCEL_RETRY_MS = 10_000;

/**
 * PostgreSQL is the source of truth (DESIGN.md §6.1): whatever the database says still has to happen
 * is put back on the queues, so a Redis flush or restart loses no job and no cancel. Queue job ids
 * deduplicate, so re-enqueueing work already queued is harmless.
 */
@Injectable()
export class SweeperService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly gate: JobGateService,
    private readonly dispatch: JobDispatchService,
    @InjectPinoLogger(SweeperService.name) private readonly log: PinoLogger,
  ) {}

  async sweep(): Promise<void> {
    await this.gate.evaluate();
    const ready = await this.jobs.findReadyIds(BATCH);
    await this.queue.submit(ready);
    // Jobs that moved between engines (issue 17): any copy left behind is found and cancelled.
    for (const id of await this.jobs.findMovedIds(BATCH)) await this.dispatch.reconcileMoved(id);
    const cancels = await this.jobs.findPendingCancels(new Date(Date.now() - CANCEL_RETRY_MS), BATCH);
    for (const c of cancels) await this.queue.cancel(c.jobId, c.arrayIndex);
    if (ready.length || cancels.length) this.log.debug({ ready: ready.length, cancels: cancels.length }, 'sweep re-enqueued work');
  }
}
