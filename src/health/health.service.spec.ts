import type { EngineRegistry } from '../engines/engine-registry';
import type { JobsRepository } from '../jobs/jobs.repository';
import type { JobQueueService } from '../queue/job-queue.service';
import { HealthService, READY_CACHE_MS } from './health.service';

function service() {
  const health = jest.fn(async () => ({ ok: true, detail: 'ok' }));
  const engines = { all: () => [{ name: 'slurm', health }] } as unknown as EngineRegistry;
  const svc = new HealthService({ ping: async () => undefined } as unknown as JobsRepository, { ping: async () => undefined } as unknown as JobQueueService, engines);
  return { svc, health };
}

describe('readiness probes engines at most once per cache period', () => {
  it('answers a flood of concurrent and later probes with one engine check', async () => {
    const { svc, health } = service();
    const t = Date.now();
    const reports = await Promise.all(Array.from({ length: 100 }, () => svc.check(t)));
    await svc.check(t + READY_CACHE_MS - 1);
    expect(reports.every((r) => r.ready && r.checks['engine:slurm'].ok)).toBe(true);
    expect(health).toHaveBeenCalledTimes(1);
  });

  it('probes again once the report is older than the cache period', async () => {
    const { svc, health } = service();
    await svc.check(0);
    await svc.check(Date.now() + READY_CACHE_MS);
    expect(health).toHaveBeenCalledTimes(2);
  });
});
