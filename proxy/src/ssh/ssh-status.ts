import type { SshPolicy } from '../config/ssh-schema';

export interface SshNodeStatus {
  name: string;
  address: string;
  weight: number;
  healthy: boolean;
  drained: boolean;
  /** ISO time of the last change of `healthy`. */
  since: string;
  reason: string | null;
  lastCheck: { at: string; ok: boolean; latencyMs: number | null; detail: string } | null;
  checks: { ok: number; failed: number };
  /** Load per CPU as the policy sees it; null when unknown (no probe, or none recent enough). */
  score: number | null;
  load: { load1: number; cpus: number; users: number; at: string } | null;
  lastProbe: { at: string; ok: boolean; detail: string } | null;
  connections: { open: number; total: number; failedAttempts: number };
}

/** The SSH front on /api/status and the status page, and the admin API's node list. */
export interface SshStatus {
  listen: string;
  policy: SshPolicy;
  check: { intervalMs: number; timeoutMs: number; rise: number; fall: number };
  probe: { command: string; intervalMs: number } | null;
  connectionsOpen: number;
  nodes: SshNodeStatus[];
}
