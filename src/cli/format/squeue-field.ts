/** What one squeue column is: its header, its -O names and how it renders a record (see squeue-fields.ts). */
import type { PartitionLimits } from './job-facts';
import type { PrintedJob } from './printed-jobs';

export interface SqueueContext {
  now: Date;
  limits: PartitionLimits;
  /** --noconvert: memory in megabytes as stored, never rescaled to G/T. */
  noConvert?: boolean;
  /** A group name for a gid, as Slurm's gid_to_string finds it on the client host. */
  groupName?(gid: number): string;
}

export interface Rendered {
  text: string;
  cut: boolean;
}

export interface SqueueField {
  header: string;
  /** -O/--Format name(s), case-insensitive. */
  longNames: string[];
  /** The field reads the JobSpec (the query must then ask for `spec`). */
  needsSpec?: boolean;
  headerCut?: boolean;
  render(r: PrintedJob, ctx: SqueueContext): Rendered;
}

export const cut = (text: string): Rendered => ({ text, cut: true });
