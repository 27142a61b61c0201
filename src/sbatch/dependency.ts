import { DEPENDENCY_TYPES, type DependencyItem, type DependencySpec, type DependencyType, ABSOLUTE_MAX_ARRAY_SIZE, MAX_JOB_ID, MAX_TIME_MINUTES } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED =
  'type:jobid[:jobid...] items joined by "," (all must be satisfied) or "?" (any one suffices), with type one of after, afterany, afterok, afternotok, aftercorr, afterburstbuffer, or singleton; jobid may be 123, 123_4 (one array task), 123_* and, for after only, 123+MINUTES';

interface JobRef {
  jobId: number;
  arrayTaskId: number | null;
  delayMinutes: number | null;
}

function jobRef(text: string, type: DependencyType): JobRef {
  const m = /^(\d+)(?:_(\d+|\*))?(?:\+(\d+))?$/.exec(text);
  if (!m) throw new ValueError(ALLOWED, `"${text}" is not a job id`);
  const jobId = m[1].length > 10 ? Infinity : Number(m[1]);
  if (jobId < 1 || jobId > MAX_JOB_ID) throw new ValueError(ALLOWED, `job id ${m[1]} is out of range (1 to ${MAX_JOB_ID})`);
  let arrayTaskId: number | null = null;
  if (m[2] !== undefined && m[2] !== '*') {
    arrayTaskId = m[2].length > 10 ? Infinity : Number(m[2]);
    if (arrayTaskId >= ABSOLUTE_MAX_ARRAY_SIZE) throw new ValueError(ALLOWED, `array task ${m[2]} is out of range`);
  }
  let delayMinutes: number | null = null;
  if (m[3] !== undefined) {
    if (type !== 'after') throw new ValueError(ALLOWED, `a +delay ("${text}") is only allowed with after:`);
    delayMinutes = m[3].length > 10 ? Infinity : Number(m[3]);
    if (delayMinutes > MAX_TIME_MINUTES) throw new ValueError(ALLOWED, `the delay +${m[3]} is more than ${MAX_TIME_MINUTES} minutes`);
  }
  return { jobId, arrayTaskId, delayMinutes };
}

function item(type: DependencyType, refs: JobRef[]): DependencyItem {
  return { type, jobIds: refs.map((r) => r.jobId), arrayTaskIds: refs.map((r) => r.arrayTaskId), delayMinutes: refs[0]?.delayMinutes ?? null };
}

/**
 * -d/--dependency (sbatch(1)). Types are case-insensitive; a bare job id means afterany (Slurm's
 * old form). With "?" each job id is its own alternative, so every id becomes its own item; with
 * "," ids of one type stay together unless their after: delays differ. Duplicate ids are merged.
 */
export function parseDependency(value: string): DependencySpec {
  if (value === '') throw new ValueError(ALLOWED, 'the dependency list is empty');
  const hasAll = value.includes(',');
  const hasAny = value.includes('?');
  if (hasAll && hasAny) throw new ValueError(ALLOWED, 'use either "," (all) or "?" (any) between items, not both');
  const mode = hasAny ? 'any' : 'all';
  const items: DependencyItem[] = [];
  for (const part of value.split(hasAny ? '?' : ',')) {
    if (part === '') throw new ValueError(ALLOWED, 'an item between separators is empty');
    if (/^singleton$/i.test(part)) {
      if (!items.some((i) => i.type === 'singleton')) items.push({ type: 'singleton', jobIds: [], arrayTaskIds: [], delayMinutes: null });
      continue;
    }
    let type: DependencyType;
    let idList: string;
    if (/^\d/.test(part)) {
      type = 'afterany';
      idList = part;
      if (idList.includes(':')) throw new ValueError(ALLOWED, `"${part}" lists several job ids without a type; write afterany:${part}`);
    } else {
      const colon = part.indexOf(':');
      const name = (colon === -1 ? part : part.slice(0, colon)).toLowerCase();
      if (!(DEPENDENCY_TYPES as readonly string[]).includes(name) || name === 'singleton') {
        throw new ValueError(ALLOWED, `unknown dependency type "${colon === -1 ? part : part.slice(0, colon)}"`);
      }
      if (colon === -1 || colon === part.length - 1) throw new ValueError(ALLOWED, `${name} needs at least one job id (${name}:123)`);
      type = name as DependencyType;
      idList = part.slice(colon + 1);
    }
    const refs: JobRef[] = [];
    for (const text of idList.split(':')) {
      const ref = jobRef(text, type);
      if (!refs.some((r) => r.jobId === ref.jobId && r.arrayTaskId === ref.arrayTaskId && r.delayMinutes === ref.delayMinutes)) refs.push(ref);
    }
    if (mode === 'any') {
      for (const ref of refs) items.push(item(type, [ref]));
      continue;
    }
    let group: JobRef[] = [];
    for (const ref of refs) {
      if (group.length && group[0].delayMinutes !== ref.delayMinutes) {
        items.push(item(type, group));
        group = [];
      }
      group.push(ref);
    }
    items.push(item(type, group));
  }
  return { mode, items };
}
