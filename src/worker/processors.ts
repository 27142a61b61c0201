import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JobDispatchService } from '../jobs/job-dispatch.service';
import { JobGateService } from '../jobs/job-gate.service';
import { JobSyncService } from '../jobs/job-sync.service';
import { DirectorySyncService } from '../directory/directory-sync.service';
import { CancelPayload, DirectorySyncPayload, Queues, SubmitPayload, SweepPayload, SyncPayload } from '../queue/queues';
import { SweeperService } from './sweeper.service';

/** Queue consumers of the worker; each delegates to the service that owns the work. */

/**
 * Each unit of work takes milliseconds, so a short lock is safe, and it bounds how long the work of a
 * crashed worker stays claimed before another worker takes it over (BullMQ's stalled-job check).
 */
const RECOVERY = { lockDuration: 10_000, stalledInterval: 5_000 };

@Processor(Queues.Submit, { concurrency: 16, ...RECOVERY })
export class SubmitProcessor extends WorkerHost {
  constructor(private readonly dispatch: JobDispatchService) {
    super();
  }
  process(job: Job<SubmitPayload>): Promise<void> {
    return this.dispatch.dispatch(job.data.jobId);
  }
}

@Processor(Queues.Cancel, { concurrency: 8, ...RECOVERY })
export class CancelProcessor extends WorkerHost {
  constructor(private readonly dispatch: JobDispatchService) {
    super();
  }
  process(job: Job<CancelPayload>): Promise<void> {
    return this.dispatch.cancelInEngine(job.data.jobId, job.data.arrayIndex);
  }
}

@Processor(Queues.Sync, { concurrency: 4, ...RECOVERY })
export class SyncProcessor extends WorkerHost {
  constructor(
    private readonly sync: JobSyncService,
    private readonly gate: JobGateService,
  ) {
    super();
  }
  async process(job: Job<SyncPayload>): Promise<void> {
    const { progressed } = await this.sync.sync(job.data.engine);
    // A job that started or ended may release its dependents: do not wait for the next sweep.
    if (progressed) await this.gate.evaluate();
  }
}

@Processor(Queues.Sweep, { concurrency: 1, ...RECOVERY })
export class SweepProcessor extends WorkerHost {
  constructor(private readonly sweeper: SweeperService) {
    super();
  }
  process(_job: Job<SweepPayload>): Promise<void> {
    return this.sweeper.sweep();
  }
}

@Processor(Queues.DirectorySync, { concurrency: 1, ...RECOVERY })
export class DirectorySyncProcessor extends WorkerHost {
  constructor(private readonly directory: DirectorySyncService) {
    super();
  }
  async process(_job: Job<DirectorySyncPayload>): Promise<void> {
    await this.directory.sync();
  }
}
