import type { ResolvedPartition } from '../config/load-config';
import type { ArrayTaskRef, EngineJob, JobOwner, NativeDependency } from '../engines/engine';
import type { JobSpec } from '../domain/job';
import { type JobRow, storedSpec } from './jobs.repository';

/** Who a job runs as on every engine: the owner's uid, gid, supplementary groups and home, as the directory gave them. */
export function ownerOf(user: { username: string; uid: number | null; gid: number | null; groupIds: number[]; home: string | null }): JobOwner {
  return { username: user.username, uid: user.uid, gid: user.gid, groups: user.groupIds, home: user.home };
}

export function toEngineJob(
  job: { id: number; submitNonce: string; spec: JobSpec; partition: string; workdir: string; submitDir: string; submitHost: string; timeLimitMinutes: number | null; tasks: ArrayTaskRef[] },
  owner: JobOwner,
  partition: ResolvedPartition,
  dependency: NativeDependency | null = null,
): EngineJob {
  return {
    id: job.id,
    nonce: job.submitNonce,
    spec: job.spec,
    owner,
    partition: job.partition,
    enginePartition: partition.enginePartition,
    timeLimitMinutes: job.timeLimitMinutes,
    workdir: job.workdir,
    submitDir: job.submitDir,
    submitHost: job.submitHost,
    tasks: job.tasks,
    dependency,
  };
}

/** A stored job with all its tasks, as an engine reads its output (the partition no longer matters then). */
export function storedJobView(job: JobRow): EngineJob {
  return toEngineJob(
    { ...job, spec: storedSpec(job), tasks: job.tasks.map((t) => ({ index: t.index, rawId: t.rawId })) },
    ownerOf(job.user),
    { enginePartition: job.partition } as ResolvedPartition,
  );
}

/** Where the sync last saw the job (arrayIndex null) or one of its tasks run: output files are named after it. */
export function storedPlacement(job: JobRow, arrayIndex: number | null): { node: string | null; engineId: string | null } {
  if (arrayIndex === null) return { node: job.nodeList, engineId: job.engineRef };
  const task = job.tasks.find((t) => t.index === arrayIndex);
  return { node: task?.nodeList ?? null, engineId: task?.engineId ?? null };
}

/** A stored job as its engine receives it; array tasks already finished (cancelled in the gateway) are left out. */
export function storedToEngineJob(job: JobRow, partition: ResolvedPartition, dependency: NativeDependency | null): EngineJob {
  return toEngineJob(
    {
      ...job,
      spec: storedSpec(job),
      tasks: job.tasks.filter((t) => t.state === 'PENDING' || t.state === 'HELD').map((t) => ({ index: t.index, rawId: t.rawId })),
    },
    ownerOf(job.user),
    partition,
    dependency,
  );
}
