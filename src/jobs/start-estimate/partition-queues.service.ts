import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig, ResolvedPartition } from '../../config/load-config';
import { isTerminal } from '../../domain/job';
import { PartitionsService } from '../../partitions/partitions.service';
import { type QueueRow, JobsRepository } from '../jobs.repository';
import type { PartitionQueue, Queued, Running } from './queue-model';

/** Jobs a queue model reads per call: a bound on the cost of one estimate, whatever the queue's length. */
const MAX_ROWS = 5000;

export interface KnownPartition {
  partition: ResolvedPartition;
  queue: PartitionQueue;
  /** Its engine has not reported capacity lately, or reports the partition down. */
  down: boolean;
  /** The engine's own estimates (Slurm's backfill) of its pending jobs' starts, by job id. */
  engineStarts: Map<number, Date>;
}

/**
 * What the gateway knows of its partitions each pass, with no engine call (DESIGN.md §6 rule 5): the
 * capacity the worker last stored for each engine, and the gateway's own jobs there. The router and
 * the start-time estimates read it.
 */
@Injectable()
export class PartitionQueuesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: PartitionsService,
    private readonly jobs: JobsRepository,
  ) {}

  async load(names: string[], now = new Date()): Promise<Map<string, KnownPartition>> {
    const views = (await this.partitions.list(now)).filter((v) => names.includes(v.name));
    const rows = await this.jobs.partitionQueues(
      views.map((v) => v.name),
      MAX_ROWS,
    );
    const out = new Map<string, KnownPartition>();
    for (const v of views) {
      const mine = rows.filter((r) => r.partition === v.name);
      const runMinutes = (limit: number | null) => this.runMinutes(limit, v);
      // Array tasks after the first have no id of their own here; negative ones never meet a job's.
      let taskId = 0;
      const queued = (r: QueueRow) => queuedOf(r, runMinutes, () => --taskId);
      out.set(v.name, {
        partition: v,
        queue: { cpus: v.capacity?.cpus ?? null, running: mine.flatMap((r) => running(r, runMinutes)), queued: mine.flatMap(queued) },
        down: v.stale || v.capacity?.state === 'down',
        engineStarts: new Map(mine.filter((r) => r.state === 'PENDING' && r.estStartTime).map((r) => [r.id, r.estStartTime as Date])),
      });
    }
    return out;
  }

  /** The minutes a job is counted for: its limit, else its partition's, else the site's assumed run time. */
  runMinutes(limit: number | null, partition: ResolvedPartition): number {
    if (limit !== null && limit > 0) return limit;
    if (partition.maxTimeMinutes > 0) return partition.maxTimeMinutes;
    return this.config.routing.assumedRuntimeMinutes;
  }
}

function running(r: QueueRow, runMinutes: (limit: number | null) => number): Running[] {
  const starts = r.tasks.length ? r.tasks.filter((t) => t.state === 'RUNNING' || t.state === 'SUSPENDED').map((t) => t.startTime) : r.state === 'PENDING' ? [] : [r.startTime];
  return starts.map((start) => ({ cpus: r.cpus, endsBy: new Date((start ?? new Date()).getTime() + runMinutes(r.timeLimitMinutes) * 60_000) }));
}

/** A pending job, or each pending task of an array (the first under the array's own id, whose estimate it is). */
function queuedOf(r: QueueRow, runMinutes: (limit: number | null) => number, nextId: () => number): Queued[] {
  const pending = r.tasks.length ? r.tasks.filter((t) => !isTerminal(t.state) && t.state !== 'RUNNING' && t.state !== 'SUSPENDED').length : r.state === 'PENDING' ? 1 : 0;
  return Array.from({ length: pending }, (_, i) => ({ id: i === 0 ? r.id : nextId(), cpus: r.cpus, runMinutes: runMinutes(r.timeLimitMinutes) }));
}
