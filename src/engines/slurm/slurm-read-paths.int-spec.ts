import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * DESIGN.md §6 rule 5: reads never call an engine. Every Slurm client the gateway runs goes through a
 * wrapper in `binDir` that records which process ran it (the API's hpcg-api or the worker's hpcg-worker,
 * found up the process tree); 50 `partitions` (what `hpcg sinfo` and `squeue -l` read) and 50
 * `jobOutput` requests must leave no record from the API, while the worker's sinfo/squeue are recorded.
 */

const TOOLS = ['sbatch', 'squeue', 'sacct', 'scancel', 'sinfo', 'scontrol'];
const PARTITIONS = `query { partitions { name state nodes cpus maxTimeMinutes capacityAgeSeconds } }`;
const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state nodeList engineJobId } }`;
const OUTPUT = `query($id: Int!, $i: Int) { jobOutput(id: $id, arrayIndex: $i) { path data } }`;

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

function wrappers(): { bin: string; calls: () => { role: string; tool: string }[] } {
  const bin = `/tmp/hpcg-read-paths-${process.pid}`;
  mkdirSync(bin, { recursive: true });
  const file = join(bin, 'calls');
  writeFileSync(file, '');
  chmodSync(file, 0o666);
  for (const tool of TOOLS) {
    const script = `#!/bin/sh
p=$PPID; role=other
for i in 1 2 3 4 5 6; do
  c=$(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null)
  case "$c" in *bin/hpcg-api.js*) role=api; break;; *bin/hpcg-worker.js*) role=worker; break;; esac
  p=$(awk '/^PPid:/{print $2}' /proc/$p/status 2>/dev/null)
  if [ -z "$p" ] || [ "$p" = 0 ]; then break; fi
done
echo "$role ${tool}" >> ${file}
exec /usr/bin/${tool} "$@"
`;
    writeFileSync(join(bin, tool), script, { mode: 0o755 });
  }
  const calls = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ role: l.split(' ')[0], tool: l.split(' ')[1] }));
  return { bin, calls };
}

it('partitions and jobOutput answer from stored facts: the API process runs no Slurm command', async () => {
  const { bin, calls } = wrappers();
  const { gw, token } = await startSlurmGateway(cluster, { kind: 'local' }, { env: { HPCG_CAPACITY_INTERVAL_MS: '1000' }, extraEngine: `, binDir: ${bin}` });
  try {
    // A job that prints where it ran and finishes, named by %N and %j, so its output path needs the stored node and id.
    const { submitBatchScript: done } = await gql(gw.url, token, SUBMIT, { s: '#!/bin/sh\necho "ran on $(hostname)"\n', a: ['-J', 'reads', '-o', `${gw.dir}/reads-%N-%j.out`], cwd: gw.dir });
    await eventually(async () => (await gql(gw.url, token, STATE, { id: done.jobId })).job.state === 'COMPLETED', 120_000, 'the job to complete');
    // An array whose tasks' files carry each task's own Slurm id (%j), which only the sync saw.
    const { submitBatchScript: arr } = await gql(gw.url, token, SUBMIT, { s: '#!/bin/sh\necho "id $SLURM_JOB_ID"\n', a: ['-J', 'reads-arr', '--array=0-2', '-o', `${gw.dir}/arr-%a-%j.out`], cwd: gw.dir });
    await eventually(async () => (await gql(gw.url, token, STATE, { id: arr.jobId })).job.state === 'COMPLETED', 120_000, 'the array to complete');
    const { job } = await gql(gw.url, token, STATE, { id: done.jobId });
    expect(job.nodeList).toBeTruthy();
    // The worker's first capacity pass has been stored.
    await eventually(async () => (await gql(gw.url, token, PARTITIONS)).partitions.every((p: { state: string }) => p.state !== 'unknown'), 30_000, 'the worker to store capacity');

    const before = calls();
    expect(before.some((c) => c.role === 'worker' && c.tool === 'sinfo')).toBe(true); // the wrapper does see who runs what
    const answers = await Promise.all(Array.from({ length: 50 }, () => gql(gw.url, token, PARTITIONS)));
    const outputs = await Promise.all(Array.from({ length: 50 }, () => gql(gw.url, token, OUTPUT, { id: done.jobId })));
    const tasks = await Promise.all([0, 1, 2].map((i) => gql(gw.url, token, OUTPUT, { id: arr.jobId, i })));
    const after = calls();

    for (const a of answers) {
      for (const p of a.partitions) {
        expect(p.state).toBe('up');
        expect(p.nodes).toBeGreaterThan(0);
        expect(p.capacityAgeSeconds).toBeGreaterThanOrEqual(0);
      }
    }
    for (const o of outputs) {
      expect(o.jobOutput.path).toBe(`${gw.dir}/reads-${job.nodeList}-${job.engineJobId}.out`); // named from stored facts
      expect(o.jobOutput.data).toMatch(/^ran on /);
    }
    for (const [i, t] of tasks.entries()) {
      const own = /^id (\d+)$/m.exec(t.jobOutput.data)?.[1];
      expect(own).toBeTruthy();
      expect(t.jobOutput.path).toBe(`${gw.dir}/arr-${i}-${own}.out`);
    }
    const fromApi = after.filter((c) => c.role === 'api');
    expect(fromApi).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(before.length); // the worker keeps running its own passes meanwhile
  } finally {
    await cluster.command('scancel', ['--user=hpcg-slurm-a']).catch(() => undefined);
    await gw.stop();
  }
}, 300_000);
