import type { JobState } from '../../domain/job';
import type { TaskUpdate } from '../engine';
import { INDEX_ATTRIBUTE, NONCE_ATTRIBUTE, SITE_ATTRIBUTE, TAG_ATTRIBUTE } from './translate-job';

/**
 * Reading the schedd: `condor_q -json` (jobs still in the queue) and `condor_history -json` (jobs that
 * left it), both asked for the same job ClassAd attributes, mapped to the gateway's states.
 */
export const STATUS_ATTRIBUTES = [
  'ClusterId', 'ProcId', 'JobStatus', 'HoldReason', 'HoldReasonCode', 'ExitCode', 'ExitBySignal', 'ExitSignal',
  'EnteredCurrentStatus', 'JobStartDate', 'JobCurrentStartDate', 'CompletionDate', 'RemoteHost', 'LastRemoteHost',
  TAG_ATTRIBUTE, INDEX_ATTRIBUTE, NONCE_ATTRIBUTE, 'Owner',
];

/** HoldReasonCode values (HTCondor manual, "Job ClassAd Attributes", HoldReasonCode). */
const HOLD_USER_REQUEST = 1;
const HOLD_SUBMITTED_ON_HOLD = 15;
const HOLD_JOB_DURATION_EXCEEDED = 46;
const HOLD_JOB_EXECUTE_EXCEEDED = 47;

export interface CondorJobAd {
  ClusterId: number;
  ProcId: number;
  JobStatus: number;
  HoldReason?: string;
  HoldReasonCode?: number;
  ExitCode?: number;
  ExitBySignal?: boolean;
  ExitSignal?: number;
  EnteredCurrentStatus?: number;
  JobStartDate?: number;
  JobCurrentStartDate?: number;
  CompletionDate?: number;
  RemoteHost?: string;
  LastRemoteHost?: string;
  /** The submitter's user name, set by the schedd. */
  Owner?: string;
  GatewayJobId?: number;
  GatewayNonce?: string;
  GatewayArrayIndex?: number;
}

/** The gateway's own jobs on this schedd (every owner's), as one constraint. */
export function siteConstraint(site: string, extra?: string): string {
  const base = `${TAG_ATTRIBUTE} =!= undefined && ${SITE_ATTRIBUTE} == "${site}"`;
  return extra ? `${base} && (${extra})` : base;
}

/** `-json` prints a JSON array of ClassAds, or nothing at all when no job matches. */
export function parseJobAds(stdout: string): CondorJobAd[] {
  const text = stdout.trim();
  if (text === '') return [];
  const ads = JSON.parse(text) as unknown;
  if (!Array.isArray(ads)) throw new Error(`HTCondor -json output is not an array: ${text.slice(0, 200)}`);
  for (const ad of ads) {
    if (typeof ad?.ClusterId !== 'number' || typeof ad?.ProcId !== 'number' || typeof ad?.JobStatus !== 'number') {
      throw new Error(`HTCondor job ad without ClusterId, ProcId or JobStatus: ${JSON.stringify(ad).slice(0, 200)}`);
    }
  }
  return ads as CondorJobAd[];
}

/** True for a job held because it ran past its --time (allowed_execute_duration / allowed_job_duration). */
export function heldForWalltime(ad: CondorJobAd): boolean {
  return ad.JobStatus === 5 && exceededWalltime(ad);
}

/** The hold code stays on the ad after the gateway removes the held job, so history still tells a timeout from a cancel. */
function exceededWalltime(ad: CondorJobAd): boolean {
  return ad.HoldReasonCode === HOLD_JOB_EXECUTE_EXCEEDED || ad.HoldReasonCode === HOLD_JOB_DURATION_EXCEEDED;
}

export function adUpdate(jobId: number, ad: CondorJobAd): TaskUpdate {
  const { state, reason } = stateOf(ad);
  const terminal = state !== 'PENDING' && state !== 'RUNNING' && state !== 'HELD' && state !== 'SUSPENDED';
  const bySignal = ad.ExitBySignal === true;
  return {
    jobId,
    arrayIndex: ad.GatewayArrayIndex ?? null,
    state,
    reason,
    exitCode: ad.JobStatus === 4 ? (bySignal ? 0 : (ad.ExitCode ?? null)) : null,
    signal: ad.JobStatus === 4 && bySignal ? (ad.ExitSignal ?? null) : null,
    startTime: epoch(ad.JobStartDate ?? ad.JobCurrentStartDate),
    endTime: terminal ? (epoch(ad.CompletionDate) ?? epoch(ad.EnteredCurrentStatus)) : null,
    node: hostOf(ad.RemoteHost ?? ad.LastRemoteHost),
  };
}

function stateOf(ad: CondorJobAd): { state: JobState; reason: string | null } {
  switch (ad.JobStatus) {
    case 1:
      return { state: 'PENDING', reason: 'Idle' };
    case 2:
    case 6: // transferring output: the job has ended, its files are on their way back
      return { state: 'RUNNING', reason: null };
    case 3:
      return exceededWalltime(ad) ? { state: 'TIMEOUT', reason: ad.HoldReason ?? 'time limit' } : { state: 'CANCELLED', reason: 'removed' };
    case 4:
      if (ad.ExitBySignal) return { state: 'FAILED', reason: `killed by signal ${ad.ExitSignal ?? '?'}` };
      return ad.ExitCode === 0 ? { state: 'COMPLETED', reason: null } : { state: 'FAILED', reason: 'NonZeroExitCode' };
    case 5:
      if (heldForWalltime(ad)) return { state: 'TIMEOUT', reason: ad.HoldReason ?? 'time limit' };
      if (ad.HoldReasonCode === HOLD_USER_REQUEST || ad.HoldReasonCode === HOLD_SUBMITTED_ON_HOLD) return { state: 'HELD', reason: 'JobHeldUser' };
      return { state: 'HELD', reason: ad.HoldReason ?? 'held by HTCondor' };
    case 7:
      return { state: 'SUSPENDED', reason: null };
    default:
      throw new Error(`unknown HTCondor JobStatus ${ad.JobStatus} for job ${ad.ClusterId}.${ad.ProcId}`);
  }
}

/** ClassAd times are seconds since the epoch; 0 means "not yet". */
function epoch(seconds: number | undefined): Date | null {
  return seconds ? new Date(seconds * 1000) : null;
}

/** RemoteHost is `slot1_1@node.example.org`: the short host name, as Slurm's node lists give it. */
function hostOf(remote: string | undefined): string | null {
  if (!remote) return null;
  return remote.replace(/^[^@]*@/, '').split('.')[0] || null;
}
