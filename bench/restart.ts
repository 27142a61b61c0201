/**
 * bench/restart: how soon a restarted gateway is useful again (issue 15: target 3 s for both).
 *   - API: from spawning `dist/bin/hpcg-api.js` (what `hpcg-api` runs) to its first answered GraphQL query (`/readyz` only says the
 *     process listens; a client needs an answer);
 *   - worker: from spawning `dist/bin/hpcg-worker.js` to a job, submitted while no worker ran, being handed to
 *     its engine (state SUBMITTED in the database: the worker has connected, consumed and dispatched).
 * Each is measured `--rounds` times against one database that is already migrated (migrations are their
 * own step, `hpcg-migrate`), next to a bare `node -e 0` start as the floor of any Node process here.
 *
 *   npm run build && node dist/bench/restart.js [--rounds 5]
 *
 * A script, not a test: the machine is shared and noisy; compare with the floor in the same run.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { GatewayFixture, eventually } from '../test/support/gateway-fixture';
import { GatewayProcess } from '../test/support/gateway-process';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label: string, ms: number[]) => console.log(`${label.padEnd(36)} median ${(median(ms) / 1000).toFixed(2)} s   max ${(Math.max(...ms) / 1000).toFixed(2)} s   (${ms.map((m) => (m / 1000).toFixed(2)).join(' ')})`);

async function main(): Promise<void> {
  const floor: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    floor.push(performance.now() - t0);
  }

  const gw = await GatewayFixture.start();
  const api: number[] = [];
  const worker: number[] = [];
  try {
    const token = await gw.user('bench');
    for (let i = 0; i < rounds; i++) {
      await gw.api.stop();
      const t0 = performance.now();
      gw.api = await GatewayProcess.start('api', gw.env, gw.dir);
      await eventually(async () => (await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { username } }"}' })).ok, 30_000, 'the API to answer', 20);
      api.push(performance.now() - t0);

      // A job waits in the queue while no worker runs; the clock starts when the worker is spawned.
      await gw.worker?.stop();
      const r = await fetch(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation($s: String!) { submitBatchScript(script: $s, cwd: "/tmp") { jobId } }', variables: { s: '#!/bin/sh\ntrue\n' } }),
      });
      const jobId = ((await r.json()) as { data: { submitBatchScript: { jobId: number } } }).data.submitBatchScript.jobId;
      const t1 = performance.now();
      await gw.startWorker();
      await eventually(async () => (await gw.admin<{ job: { engineJobId: string | null } }>('query($id: Int!) { job(id: $id) { engineJobId } }', { id: jobId })).job.engineJobId, 60_000, 'the job to reach its engine', 20);
      worker.push(performance.now() - t1);
    }
  } finally {
    await gw.stop();
  }
  console.log(`restart times over ${rounds} rounds (target: API and worker useful within 3 s)`);
  line('node -e 0 (floor)', floor);
  line('API: spawn → first GraphQL answer', api);
  line('worker: spawn → queued job dispatched', worker);
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
