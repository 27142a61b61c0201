import type { JobSpec } from '../../domain/job';
import { type JobRow, storedSpec } from '../jobs.repository';
import type { JobModel } from './job.model';
import { shownPartition } from '../job-route';

function dependencyText(spec: JobSpec): string | null {
  if (!spec.dependency?.items.length) return null;
  const items = spec.dependency.items.map((i) =>
    i.type === 'singleton'
      ? 'singleton'
      : `${i.type}:${i.jobIds.map((id, k) => `${id}${i.arrayTaskIds?.[k] != null ? `_${i.arrayTaskIds[k]}` : ''}${i.delayMinutes ? `+${i.delayMinutes}` : ''}`).join(':')}`,
  );
  return items.join(spec.dependency.mode === 'any' ? '?' : ',');
}

export function toJobModel(row: JobRow): JobModel {
  const spec = storedSpec(row);
  const isArray = row.tasks.length > 0;
  const defaultOut = isArray ? 'slurm-%A_%a.out' : 'slurm-%j.out';
  return {
    id: row.id,
    name: row.name,
    user: row.user.username,
    uid: row.user.uid,
    gid: row.user.gid,
    submitHost: row.submitHost,
    account: row.account,
    partition: shownPartition(row),
    engine: row.engine,
    state: row.state,
    reason: row.reason,
    exitCode: row.exitCode,
    signal: row.signal,
    submitTime: row.submitTime,
    eligibleTime: row.eligibleTime,
    startTime: row.startTime,
    endTime: row.endTime,
    timeLimitMinutes: row.timeLimitMinutes,
    nodes: row.nodes,
    cpus: row.cpus,
    nodeList: row.nodeList,
    workdir: row.workdir,
    stdoutPath: spec.output ?? defaultOut,
    stderrPath: spec.error ?? spec.output ?? defaultOut,
    isArray,
    arrayMaxConcurrent: spec.array?.maxConcurrent ?? null,
    arrayTasks: row.tasks.map((t) => ({
      index: t.index,
      rawId: t.rawId,
      state: t.state,
      reason: t.reason,
      exitCode: t.exitCode,
      signal: t.signal,
      startTime: t.startTime,
      endTime: t.endTime,
      nodeList: t.nodeList,
    })),
    dependency: dependencyText(spec),
    comment: spec.comment,
    cancelledBy: row.cancelledBy,
    engineJobId: row.engineRef,
    spec,
    engineStart: row.estStartTime,
  };
}
