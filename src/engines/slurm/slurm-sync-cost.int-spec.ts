import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * DESIGN.md §6.4: status costs O(1) engine calls per interval. 2,000 jobs live in the real slurmctld
 * (a few running, the rest pending), and the real squeue is counted through a wrapper in `binDir`.
 */

const JOBS = 2000;
const INTERVAL_MS = 1000;

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

it(`with ${JOBS} live jobs the status pass makes exactly one squeue call per interval`, async () => {
  const bin = `/tmp/hpcg-squeue-count-${process.pid}`;
  mkdirSync(bin, { recursive: true });
  const calls = join(bin, 'calls');
  writeFileSync(calls, '');
  chmodSync(calls, 0o666);
  for (const tool of ['sbatch', 'sacct', 'scancel', 'sinfo', 'scontrol']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nexec /usr/bin/${tool} "$@"\n`, { mode: 0o755 });
  }
  // Each call leaves its time (ms): the calls per interval are read from the record, not inferred.
  writeFileSync(join(bin, 'squeue'), `#!/bin/sh\necho "$(date +%s%3N)" >> ${calls}\nexec /usr/bin/squeue "$@"\n`, { mode: 0o755 });

  const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' }, { env: { HPCG_SYNC_INTERVAL_MS: String(INTERVAL_MS) }, extraEngine: `, binDir: ${bin}` });
  try {
    const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
    const ids: number[] = [];
    for (let i = 0; i < JOBS; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, JOBS - i) }, (_, k) => gql(gw.url, token, SUBMIT, { s: '#!/bin/sh\nsleep 600\n', a: ['-J', `live-${i + k}`, '-o', '/dev/null'], cwd: gw.dir })));
      ids.push(...batch.map((r) => r.submitBatchScript.jobId));
    }
    const count = `query { jobs(filter: { states: [RUNNING, PENDING] }, page: { limit: 1 }) { total } }`;
    const running = `query { jobs(filter: { states: [RUNNING] }, page: { limit: 1 }) { total } }`;
    const page = `query($o: Int!) { jobs(page: { offset: $o, limit: 1000 }) { items { engineJobId } } }`;
    const inSlurm = async () => {
      const pages = await Promise.all([0, 1000].map((o) => gql(gw.url, token, page, { o })));
      return pages.flatMap((p) => p.jobs.items).filter((j: { engineJobId: string | null }) => j.engineJobId !== null).length;
    };
    // Every job reached Slurm (none waits in the gateway) and the sync pass has seen some of them run.
    await eventually(async () => (await inSlurm()) === JOBS, 240_000, 'every job to reach Slurm', 1000);
    await eventually(async () => (await gql(gw.url, token, running)).jobs.total > 0, 60_000, 'some jobs to run');
    expect((await gql(gw.url, token, count)).jobs.total).toBe(JOBS);

    const start = Date.now();
    const WINDOW_MS = 10 * INTERVAL_MS;
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const stamps = readFileSync(calls, 'utf8').split('\n').filter(Boolean).map(Number).filter((t) => t >= start && t < start + WINDOW_MS);
    // One per interval: as many calls as intervals (± the one at the window's edge), never two in one interval.
    expect(stamps.length).toBeGreaterThanOrEqual(WINDOW_MS / INTERVAL_MS - 2);
    expect(stamps.length).toBeLessThanOrEqual(WINDOW_MS / INTERVAL_MS + 1);
    for (let k = 1; k < stamps.length; k++) expect(stamps[k] - stamps[k - 1]).toBeGreaterThan(INTERVAL_MS / 2);
  } finally {
    // Leave the shared cluster empty for the next test file.
    await cluster.command('scancel', ['--user=hpcg-slurm-a']).catch(() => undefined);
    await gw.stop();
  }
}, 420_000);
