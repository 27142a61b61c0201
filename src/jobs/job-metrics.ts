import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../metrics/metrics-registry';
import { JobQueueService } from '../queue/job-queue.service';
import { JOB_STATES } from '../domain/job';
import { JobsRepository } from './jobs.repository';

/** The job metrics the issue asks for: submissions, jobs by state, queue depth, engine call latency, sync lag. */
@Injectable()
export class JobMetrics {
  readonly submissions: Counter<'outcome'>;
  readonly engineCalls: Histogram<'engine' | 'op' | 'outcome'>;
  private readonly lastSync: Gauge<'engine'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, jobs: JobsRepository, queues: JobQueueService) {
    this.submissions = new Counter({ name: 'hpcg_submissions_total', help: 'Job submissions by outcome (accepted, rejected)', labelNames: ['outcome'], registers: [registry] });
    this.engineCalls = new Histogram({
      name: 'hpcg_engine_call_seconds',
      help: 'Latency of calls to engines by engine, operation and outcome',
      labelNames: ['engine', 'op', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    // A timestamp rather than a lag: it keeps growing old while the worker is stuck, which a lag it
    // computed itself would not show (deploy/observability alerts on time() minus it).
    this.lastSync = new Gauge({
      name: 'hpcg_engine_last_sync_timestamp_seconds',
      help: "Unix time of an engine's last successful status pass (or of the last pass with no live job to ask about)",
      labelNames: ['engine'],
      registers: [registry],
    });
    new Gauge({
      name: 'hpcg_jobs',
      help: 'Jobs by state (from the database at scrape time)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = new Map((await jobs.countByState()).map((r) => [r.state, r.count]));
        for (const state of JOB_STATES) this.set({ state }, counts.get(state) ?? 0);
      },
    });
    new Gauge({
      name: 'hpcg_queue_depth',
      help: 'Queue entries waiting, active or delayed, by queue',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        const depths: Record<string, number> = await queues.depths();
        for (const [queue, depth] of Object.entries(depths)) this.set({ queue }, depth);
      },
    });
  }

  /** The engine's job states in the database are current as of now. */
  synced(engine: string): void {
    this.lastSync.set({ engine }, Date.now() / 1000);
  }

  /** Times one engine call into hpcg_engine_call_seconds. */
  async time<T>(engine: string, op: string, fn: () => Promise<T>): Promise<T> {
    const end = this.engineCalls.startTimer({ engine, op });
    try {
      const result = await fn();
      end({ outcome: 'ok' });
      return result;
    } catch (e) {
      end({ outcome: 'error' });
      throw e;
    }
  }
}
