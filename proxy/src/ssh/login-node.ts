import type { SshNodeSettings } from '../config/ssh-schema';
import type { HealthThresholds } from '../pool/member-health';
import { MemberHealth } from '../pool/member-health';
import { type LoadReport, loadScore } from './load-report';

/** One login node behind the SSH front: its health, drain flag, connections and last load report. */
export class LoginNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly cpus: number | undefined;
  readonly health: MemberHealth;
  /** No new connections; those open stay. */
  drained = false;
  /** Client connections open through this node. */
  active = 0;
  /** Client connections handed to this node. */
  total = 0;
  /** Connection attempts that failed (the client then went to another node). */
  failedAttempts = 0;
  load: { report: LoadReport; at: number } | null = null;
  lastProbe: { at: number; ok: boolean; detail: string } | null = null;
  /** Connections handed over since the last good probe: load the probe has not seen yet. */
  sentSinceProbe = 0;

  constructor(settings: SshNodeSettings, thresholds: HealthThresholds, now: number) {
    this.name = settings.name;
    this.host = settings.host;
    this.port = settings.port;
    this.weight = settings.weight;
    this.cpus = settings.cpus;
    this.health = new MemberHealth(thresholds, now);
  }

  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Takes new connections: healthy and not drained. */
  get available(): boolean {
    return this.health.healthy && !this.drained;
  }

  /** Load per CPU, or null when there is no report younger than `maxAgeMs` (a failing probe keeps the last one that long). */
  score(now: number, maxAgeMs: number, userLoad: number): number | null {
    if (!this.load || now - this.load.at > maxAgeMs) return null;
    return loadScore(this.load.report, this.sentSinceProbe, userLoad, this.cpus);
  }

  recordProbe(now: number, result: { ok: true; report: LoadReport } | { ok: false; detail: string }): void {
    if (result.ok) {
      this.load = { report: result.report, at: now };
      this.sentSinceProbe = 0;
      this.lastProbe = { at: now, ok: true, detail: `load ${result.report.load1}, ${result.report.cpus} CPUs, ${result.report.users} users` };
    } else {
      this.lastProbe = { at: now, ok: false, detail: result.detail };
    }
  }
}
