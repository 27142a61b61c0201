/**
 * Which lines sacct prints for a set of jobs: one per job or array task in id order, tasks that never
 * started folded into one `N_[…]` line per state, and a `.batch` line under each started job unless
 * -X (tools count on it; the batch step's state and exit code are the job's).
 */
import type { GatewayJob, JobState } from '../gateway-types';
import { matchesSelectors, type JobSelector } from '../parse/job-id-list';
import { collapseTaskSets, expandJobs, type PrintedJob } from './printed-jobs';
import type { SacctOutputRow } from './sacct-fields';

export interface SacctSelection {
  selectors: readonly JobSelector[];
  /** null = every state. */
  states: ReadonlySet<JobState> | null;
  allocationsOnly: boolean;
}

function selectorsFor(r: PrintedJob, selectors: readonly JobSelector[]): JobSelector[] {
  return selectors.filter((s) => matchesSelectors([s], { jobId: r.job.id, arrayIndex: r.arrayIndex, rawId: r.rawId }));
}

export function buildSacctRows(jobs: readonly GatewayJob[], selection: SacctSelection): SacctOutputRow[] {
  const sorted = [...jobs].sort((a, b) => a.id - b.id);
  const records = expandJobs(sorted).filter((r) => {
    if (selection.states && !selection.states.has(r.state)) return false;
    if (selection.selectors.length === 0) return true;
    // Steps other than the batch step do not exist in the gateway: `-j 12.0` selects nothing.
    return selectorsFor(r, selection.selectors).some((s) => s.step === null || s.step === 'batch');
  });
  const collapsed = collapseTaskSets(records, (r) => (r.startTime ? null : r.state));

  const rows: SacctOutputRow[] = [];
  for (const record of collapsed) {
    const named = record.taskSet ? [] : selectorsFor(record, selection.selectors);
    // `-j 12.batch` asks for the step line alone (with -X, sacct shows the job line instead).
    const onlyBatch = named.length > 0 && named.every((s) => s.step === 'batch') && !selection.allocationsOnly;
    if (!onlyBatch) rows.push({ record, batch: false });
    if (!selection.allocationsOnly && record.startTime && !record.taskSet) rows.push({ record, batch: true });
  }
  return rows;
}
