/**
 * Job state lists (`squeue -t`, `sacct -s`, `scancel -t`): Slurm's long or compact names, any case,
 * comma-separated, or `all`. Slurm states the gateway never produces (COMPLETING, PREEMPTED, …) are
 * accepted and simply match nothing, so scripts written for Slurm keep working.
 */
import { JOB_STATES, type JobState } from '../../domain/job/job-state';

/** Slurm's long name, compact name and the gateway states each one means. */
const SLURM_STATES: readonly [string, string, readonly JobState[]][] = [
  ['PENDING', 'PD', ['PENDING', 'HELD']],
  ['RUNNING', 'R', ['RUNNING']],
  ['SUSPENDED', 'S', ['SUSPENDED']],
  ['COMPLETED', 'CD', ['COMPLETED']],
  ['CANCELLED', 'CA', ['CANCELLED']],
  ['FAILED', 'F', ['FAILED']],
  ['TIMEOUT', 'TO', ['TIMEOUT']],
  ['NODE_FAIL', 'NF', ['NODE_FAIL']],
  ['PREEMPTED', 'PR', []],
  ['BOOT_FAIL', 'BF', []],
  ['DEADLINE', 'DL', []],
  ['OUT_OF_MEMORY', 'OOM', ['OUT_OF_MEMORY']],
  ['COMPLETING', 'CG', []],
  ['CONFIGURING', 'CF', []],
  ['RESIZING', 'RS', []],
  ['RESV_DEL_HOLD', 'RD', []],
  ['REQUEUED', 'RQ', []],
  ['REQUEUE_FED', 'RF', []],
  ['REQUEUE_HOLD', 'RH', []],
  ['REVOKED', 'RV', []],
  ['SIGNALING', 'SI', []],
  ['SPECIAL_EXIT', 'SE', []],
  ['STAGE_OUT', 'SO', []],
  ['STOPPED', 'ST', []],
];

/** The names Slurm lists in its "valid job states" messages, in Slurm's order. */
export const SLURM_STATE_NAMES: readonly string[] = SLURM_STATES.map(([long]) => long);

/** Gateway states that are still in the queue (squeue's default selection). */
export const ACTIVE_STATES: readonly JobState[] = ['PENDING', 'HELD', 'RUNNING', 'SUSPENDED'];

export class StateNameError extends Error {
  constructor(readonly value: string) {
    super(`invalid job state "${value}"`);
  }
}

/** The gateway states a list names; throws StateNameError naming the first unknown item. */
export function parseStateList(list: string, allowed: readonly string[] = SLURM_STATE_NAMES): Set<JobState> {
  const states = new Set<JobState>();
  for (const raw of list.split(',')) {
    const name = raw.trim().toUpperCase();
    if (name === '') continue;
    if (name === 'ALL' && allowed === SLURM_STATE_NAMES) {
      JOB_STATES.forEach((s) => states.add(s));
      continue;
    }
    const entry = SLURM_STATES.find(([long, short]) => (long === name || short === name) && allowed.includes(long));
    if (!entry) throw new StateNameError(raw.trim());
    entry[2].forEach((s) => states.add(s));
  }
  return states;
}
