import { type JobSpec, isTerminal } from '../domain/job';
import { type JobRow, storedSpec } from '../jobs/jobs.repository';
import type { Footprint } from './effective-limits';

/** GPUs the whole job asks for: `--gpus` per job, or per node / per task multiplied out. */
export function jobGpus(spec: Pick<JobSpec, 'gpus' | 'nodes' | 'ntasks'>): number {
  if (!spec.gpus) return 0;
  const times = spec.gpus.per === 'node' ? (spec.nodes?.min ?? 1) : spec.gpus.per === 'task' ? Math.max(1, spec.ntasks ?? 1) : 1;
  return spec.gpus.count * times;
}

/** A stored job's footprint: its array tasks not finished yet, under its throttle. */
export function footprintOfJob(job: JobRow): Footprint {
  const spec = storedSpec(job);
  const openTasks = job.tasks.length ? job.tasks.filter((t) => !isTerminal(t.state)).length : null;
  return footprint({ cpus: job.cpus, gpus: job.gpus, openTasks, maxConcurrent: spec.array?.maxConcurrent ?? null });
}

/** What a job occupies while running: an array job counts as many jobs as may run at once. */
export function footprint(job: { cpus: number; gpus: number; openTasks: number | null; maxConcurrent: number | null }): Footprint {
  const width = job.openTasks === null ? 1 : Math.min(job.openTasks, job.maxConcurrent ?? job.openTasks);
  return { jobs: width, cpus: width * job.cpus, gpus: width * job.gpus };
}
