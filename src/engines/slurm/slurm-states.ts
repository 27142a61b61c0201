import type { JobState } from '../../domain/job';

/** Slurm job states (squeue %T / sacct State) in the gateway's terms. */
const STATES: Record<string, JobState> = {
  PENDING: 'PENDING',
  REQUEUED: 'PENDING',
  REQUEUE_FED: 'PENDING',
  RESIZING: 'PENDING',
  REVOKED: 'CANCELLED',
  REQUEUE_HOLD: 'HELD',
  SPECIAL_EXIT: 'HELD',
  RESV_DEL_HOLD: 'HELD',
  CONFIGURING: 'RUNNING',
  RUNNING: 'RUNNING',
  COMPLETING: 'RUNNING',
  SIGNALING: 'RUNNING',
  STAGE_OUT: 'RUNNING',
  SUSPENDED: 'SUSPENDED',
  STOPPED: 'SUSPENDED',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  DEADLINE: 'FAILED',
  CANCELLED: 'CANCELLED',
  PREEMPTED: 'CANCELLED',
  TIMEOUT: 'TIMEOUT',
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  NODE_FAIL: 'NODE_FAIL',
  BOOT_FAIL: 'NODE_FAIL',
};

const HELD_REASONS = new Set(['JobHeldUser', 'JobHeldAdmin']);

/** sacct prints `CANCELLED by 1001`; squeue prints `CANCELLED`. Unknown states are an error, never a guess. */
export function mapSlurmState(slurmState: string, reason: string | null): JobState {
  const word = slurmState.trim().split(/\s+/)[0].replace(/\+$/, '');
  const state = STATES[word];
  if (!state) throw new Error(`unknown Slurm job state "${slurmState}"`);
  if (state === 'PENDING' && reason && HELD_REASONS.has(reason)) return 'HELD';
  return state;
}

/** Slurm's reason text, or null when it has none to give. */
export function slurmReason(reason: string): string | null {
  const r = reason.trim();
  return r === '' || r === 'None' || r === '(null)' ? null : r;
}

/** squeue's exit_code is a wait status: exit code in the high byte, signal in the low seven bits. */
export function splitWaitStatus(status: number): { exitCode: number; signal: number | null } {
  const signal = status & 0x7f;
  return { exitCode: (status >> 8) & 0xff, signal: signal || null };
}

/** sacct's ExitCode is `code:signal`. */
export function splitExitCode(text: string): { exitCode: number | null; signal: number | null } {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) return { exitCode: null, signal: null };
  return { exitCode: Number(m[1]), signal: Number(m[2]) || null };
}

/** Slurm prints local times without a zone (`2026-11-21T20:16:35`); `N/A`, `Unknown`, `None` mean none. */
export function slurmTime(text: string): Date | null {
  const t = text.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t)) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A time as Slurm's clients read it, in the submit node's zone and without one: YYYY-MM-DDTHH:MM:SS. */
export function toSlurmTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
