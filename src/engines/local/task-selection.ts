import { badInput, notFound } from '../../common/domain-error';
import type { JobRecord } from './job-store';
import type { LaunchTask } from './launch-plan';

/** Which task(s) of a job a request names: the whole job (arrayIndex null) or one array task. */

export function tasksNamed(record: JobRecord, arrayIndex: number | null): LaunchTask[] {
  const { plan } = record;
  if (arrayIndex === null) return plan.tasks;
  const tasks = plan.tasks.filter((t) => t.arrayIndex === arrayIndex);
  if (tasks.length === 0) {
    const known =
      record.job.spec.array === null
        ? 'it is not a job array'
        : plan.tasks.length
          ? `its array tasks are ${formatIndices(plan.tasks)}`
          : 'none of its array tasks reached the engine';
    throw notFound(`job ${plan.jobId} has no array task ${arrayIndex} on engine ${plan.engine}: ${known}`, { jobId: plan.jobId, arrayIndex });
  }
  return tasks;
}

/** Exactly one task, for output: a plain job's only task, or the array task named. */
export function singleTask(record: JobRecord, arrayIndex: number | null): LaunchTask {
  const { plan } = record;
  if (record.job.spec.array === null) {
    if (arrayIndex !== null) throw badInput(`job ${plan.jobId} is not a job array: leave out the array index`, { field: 'arrayIndex', value: arrayIndex });
    return plan.tasks[0];
  }
  if (arrayIndex === null) throw badInput(`job ${plan.jobId} is a job array: name one of its tasks (arrayIndex)`, { field: 'arrayIndex' });
  return tasksNamed(record, arrayIndex)[0];
}

/** `0-5,7,9-11`: array indices as Slurm writes them. */
export function formatIndices(tasks: Pick<LaunchTask, 'arrayIndex'>[]): string {
  const indices = tasks.map((t) => t.arrayIndex).filter((i): i is number => i !== null);
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(j > i ? `${indices[i]}-${indices[j]}` : `${indices[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}
