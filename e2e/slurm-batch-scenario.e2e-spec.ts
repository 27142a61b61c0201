import { LoginNode } from '../test/support/login-node';
import { sharedSlurmCluster } from '../test/support/shared-slurm';
import type { SlurmCluster } from '../test/support/slurm-cluster';
import { SLURM_TEST_USER, SlurmRunnerChoice, startSlurmGateway } from '../test/support/slurm-gateway';
import { AccountingRow, describeBatchScenario } from './batch-scenario';

/**
 * The core scenario, unchanged, on a real Slurm 22.05 (slurmctld, slurmd, slurmdbd): once with the
 * commands run on this host (runuser to the owner), once over SSH to a real sshd as the owner.
 * Afterwards the gateway's sacct must agree with Slurm's own.
 */

let cluster: SlurmCluster;
let release: () => Promise<void>;
let login: LoginNode;

beforeAll(async () => {
  ({ cluster, release } = await sharedSlurmCluster());
  login = await LoginNode.start(['root', SLURM_TEST_USER]);
}, 120_000);
afterAll(async () => {
  await login?.stop();
  await release?.();
});

/** Slurm's own sacct for the same jobs, rewritten to gateway ids, must say what the gateway says. */
async function agreesWithSlurm(rows: Map<string, AccountingRow>, engineJobId: (id: number) => Promise<string>): Promise<void> {
  const ids = [...new Set([...rows.keys()].map((k) => Number(k.split('_')[0])))];
  const toGateway = new Map<string, number>();
  for (const id of ids) toGateway.set(await engineJobId(id), id);
  let slurm = new Map<string, AccountingRow>();
  // slurmdbd records arrive a few seconds after the job ends.
  for (let attempt = 0; attempt < 40; attempt++) {
    const out = await cluster.command('sacct', ['-a', '-X', '-n', '-P', '-j', [...toGateway.keys()].join(','), '-o', 'JobID,JobName,State,ExitCode']);
    slurm = new Map(
      out
        .trim()
        .split('\n')
        .map((l) => l.split('|'))
        .map(([id, name, state, exit]) => {
          const [base, index] = id.split('_');
          return [`${toGateway.get(base)}${index === undefined ? '' : `_${index}`}`, { name, state: state.split(' ')[0], exit }];
        }),
    );
    if ([...slurm.values()].every((r) => !/PENDING|RUNNING/.test(r.state)) && slurm.size >= rows.size) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(slurm).toEqual(rows);
}

for (const [label, runner] of [
  ['local runner (runuser)', () => ({ kind: 'local' }) as SlurmRunnerChoice],
  ['SSH runner (as the user)', () => ({ kind: 'ssh', node: login }) as SlurmRunnerChoice],
] as const) {
  describeBatchScenario(
    `batch jobs end to end through hpcg (Slurm engine, ${label})`,
    async () => ({ ...(await startSlurmGateway(cluster, runner())), engine: 'hpc' }),
    (t) => t.gw.stop(),
    { verifyAccounting: agreesWithSlurm },
  );
}
