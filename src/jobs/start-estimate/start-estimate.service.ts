import { Injectable } from '@nestjs/common';
import { Reason } from '../../domain/job';
import type { Job as JobRowBase } from '../../generated/prisma/client';
import { shownPartition } from '../job-route';
import { type StartEstimate, StartEstimateSource } from './start-estimate';
import { type KnownPartition, PartitionQueuesService } from './partition-queues.service';
import { estimateStarts } from './queue-model';

/** How long one look at a partition serves the estimates of every job in it: a page of squeue reads each partition once. */
const FRESH_MS = 2000;
const PROBE = -1;

/** What an estimate needs of a job, as the API shows it. */
export interface EstimatedJob {
  id: number;
  state: string;
  reason: string | null;
  /** The partition it is in, or its candidates ("a,b") while the router has not chosen. */
  partition: string;
  cpus: number;
  timeLimitMinutes: number | null;
  begin: string | null;
  /** The engine's own estimate from the last status pass. */
  engineStart: Date | null;
}

/** A stored job as an estimate reads it. */
export function estimatedJobOf(job: Pick<JobRowBase, 'id' | 'state' | 'reason' | 'partition' | 'route' | 'placedAt' | 'cpus' | 'timeLimitMinutes' | 'estStartTime' | 'spec'>): EstimatedJob {
  return { ...job, partition: shownPartition(job), begin: (job.spec as { begin?: string | null }).begin ?? null, engineStart: job.estStartTime };
}

/**
 * The estimated start of every pending job (issue 17): the engine's own where it gives one, else the
 * gateway's queue model (queue-model.ts) over what it already knows. Never calls an engine.
 */
@Injectable()
export class StartEstimateService {
  private readonly seen = new Map<string, { at: number; known: Promise<KnownPartition | undefined> }>();

  constructor(private readonly queues: PartitionQueuesService) {}

  async estimate(job: EstimatedJob, now = new Date()): Promise<StartEstimate | null> {
    if (job.state !== 'PENDING') return null;
    if (job.engineStart) return { time: job.engineStart, source: StartEstimateSource.ENGINE, basis: 'the engine\'s own estimate (its scheduler\'s backfill)' };
    const begin = job.begin ? new Date(job.begin) : null;
    const options = await Promise.all(job.partition.split(',').map(async (name) => this.inPartition(job, name, begin, now)));
    const best = options.reduce((a, b) => ((b.time?.getTime() ?? Infinity) < (a.time?.getTime() ?? Infinity) ? b : a));
    const waits = job.reason === Reason.Dependency ? '; not counting the jobs it depends on' : '';
    return { time: best.time, source: StartEstimateSource.GATEWAY, basis: best.basis + waits };
  }

  private async inPartition(job: EstimatedJob, name: string, begin: Date | null, now: Date): Promise<{ time: Date | null; basis: string }> {
    const known = await this.known(name, now);
    if (!known) return { time: null, basis: `partition ${name} is not configured` };
    const { queue } = known;
    if (queue.cpus === null) return { time: null, basis: `partition ${name} has not reported its size yet` };
    const queued = queue.queued.some((q) => q.id === job.id);
    // A job not yet in the partition's queue (waiting in the gateway, or not placed) is counted as joining it now.
    const model = queued
      ? queue
      : { ...queue, queued: [...queue.queued, { id: PROBE, cpus: job.cpus, runMinutes: this.queues.runMinutes(job.timeLimitMinutes, known.partition), notBefore: begin }] };
    const time = estimateStarts(model, now).get(queued ? job.id : PROBE) ?? null;
    const ahead = queued ? queue.queued.findIndex((q) => q.id === job.id) : queue.queued.length;
    const basis = `gateway queue model of ${name}: ${queue.cpus} CPUs, ${queue.running.length} running, ${ahead} ahead; time limits taken as run times${known.down ? '; its engine has not answered lately' : ''}`;
    return { time: time ?? null, basis: time ? basis : `${basis}; the job does not fit the partition` };
  }

  private known(name: string, now: Date): Promise<KnownPartition | undefined> {
    const cached = this.seen.get(name);
    if (cached && now.getTime() - cached.at < FRESH_MS) return cached.known;
    const known = this.queues.load([name], now).then((m) => m.get(name));
    this.seen.set(name, { at: now.getTime(), known });
    known.catch(() => this.seen.delete(name));
    return known;
  }
}
