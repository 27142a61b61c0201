import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { CancelPayload, DirectorySyncPayload, Queues, SubmitPayload, SweepPayload, SyncPayload, queueJobId } from './queues';

/**
 * Producer side of the queues. PostgreSQL stays the source of truth: losing an enqueue (Redis down
 * or flushed) delays work until the next sweep, it never loses it.
 */
const once: JobsOptions = { removeOnComplete: true, removeOnFail: true };

@Injectable()
export class JobQueueService {
  constructor(
    @InjectQueue(Queues.Submit) private readonly submitQueue: Queue<SubmitPayload>,
    @InjectQueue(Queues.Cancel) private readonly cancelQueue: Queue<CancelPayload>,
    @InjectQueue(Queues.Sync) private readonly syncQueue: Queue<SyncPayload>,
    @InjectQueue(Queues.Sweep) private readonly sweepQueue: Queue<SweepPayload>,
    @InjectQueue(Queues.DirectorySync) private readonly directorySyncQueue: Queue<DirectorySyncPayload>,
  ) {}

  async submit(jobIds: number[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.submitQueue.addBulk(
      jobIds.map((jobId) => ({
        name: Queues.Submit,
        data: { jobId },
        // Engine down: retry with backoff; after the last attempt the sweeper starts over.
        opts: { ...once, jobId: queueJobId.submit(jobId), attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
      })),
    );
  }

  async cancel(jobId: number, arrayIndex: number | null): Promise<void> {
    await this.cancelQueue.add(Queues.Cancel, { jobId, arrayIndex }, { ...once, jobId: queueJobId.cancel(jobId, arrayIndex), attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
  }

  async sync(engine: string): Promise<void> {
    await this.syncQueue.add(Queues.Sync, { engine }, { ...once, jobId: queueJobId.sync(engine) });
  }

  async sweep(): Promise<void> {
    await this.sweepQueue.add(Queues.Sweep, {}, { ...once, jobId: queueJobId.sweep() });
  }

  async directorySync(): Promise<void> {
    await this.directorySyncQueue.add(Queues.DirectorySync, {}, { ...once, jobId: queueJobId.directorySync() });
  }

  async ping(): Promise<void> {
    // Any round trip proves Redis answers; this one needs no extra client.
    await this.submitQueue.getJobCounts('waiting');
  }

  /** Waiting + active + delayed per queue, for /metrics. */
  async depths(): Promise<Record<string, number>> {
    const queues = [this.submitQueue, this.cancelQueue, this.syncQueue, this.sweepQueue, this.directorySyncQueue] as Queue[];
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    return Object.fromEntries(queues.map((q, i) => [q.name, Object.values(counts[i]).reduce((a, b) => a + b, 0)]));
  }
}
