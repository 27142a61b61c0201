import { Injectable } from '@nestjs/common';
import { EngineRegistry } from '../engines/engine-registry';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobQueueService } from '../queue/job-queue.service';

type Check = { ok: boolean; detail: string };

const TIMEOUT_MS = 3000;
/**
 * How long one readiness report answers every /readyz: probing calls each engine (scontrol over SSH,
 * the Kubernetes API, ...), and a flood of probes must not become a flood of engine commands.
 */
export const READY_CACHE_MS = 5000;

type Report = { ready: boolean; checks: Record<string, Check> };

function within(ms: number, p: Promise<Check>): Promise<Check> {
  return Promise.race([p, new Promise<Check>((r) => setTimeout(() => r({ ok: false, detail: `no answer within ${ms} ms` }), ms).unref())]);
}

async function probe(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { ok: true, detail: 'ok' };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly engines: EngineRegistry,
  ) {}

  private last: { at: number; report: Report } | null = null;
  private running: Promise<Report> | null = null;

  /** The last report while it is fresh; otherwise one probe, shared by every request that arrives meanwhile. */
  async check(now = Date.now()): Promise<Report> {
    if (this.last && now - this.last.at < READY_CACHE_MS) return this.last.report;
    this.running ??= this.probeAll()
      .then((report) => {
        this.last = { at: Date.now(), report };
        return report;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async probeAll(): Promise<Report> {
    const entries: [string, Promise<Check>][] = [
      ['postgresql', probe(() => this.jobs.ping())],
      ['redis', probe(() => this.queue.ping())],
      ...this.engines.all().map((b): [string, Promise<Check>] => [`engine:${b.name}`, b.health().catch((e: Error) => ({ ok: false, detail: e.message }))]),
    ];
    const results = await Promise.all(entries.map(([, p]) => within(TIMEOUT_MS, p)));
    const checks = Object.fromEntries(entries.map(([name], i) => [name, results[i]]));
    return { ready: results.every((r) => r.ok), checks };
  }
}
