import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pidAlive } from './daemons';
import { SlurmCluster, SlurmClusterState } from './slurm-cluster';

/**
 * One Slurm cluster for every Slurm test file of a jest run, so the suite pays its start-up once:
 * the first file starts it and records it in the file named by HPCG_TEST_SLURM_STATE (set by
 * slurm-global-setup.ts), later files attach, and slurm-global-teardown.ts stops it by PID. Without
 * the global setup (a file run on its own), the caller owns the cluster and stops it itself.
 */
export async function sharedSlurmCluster(): Promise<{ cluster: SlurmCluster; release: () => Promise<void> }> {
  const stateFile = process.env.HPCG_TEST_SLURM_STATE;
  if (!stateFile) {
    const cluster = await SlurmCluster.start();
    return { cluster, release: () => cluster.stop() };
  }
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SlurmClusterState;
    const cluster = new SlurmCluster(state);
    const essential = ['munged', 'slurmd', ...(state.accounting ? ['slurmdbd', 'mariadbd'] : [])];
    if (essential.every((d) => state.pids[d] && pidAlive(state.pids[d]))) {
      // A fault test may have left slurmctld stopped if it failed half-way.
      await cluster.startController();
      return { cluster, release: async () => undefined };
    }
    await cluster.stop();
  }
  const cluster = await SlurmCluster.start();
  writeFileSync(stateFile, JSON.stringify(cluster.state));
  return { cluster, release: async () => undefined };
}

export async function stopSharedSlurmCluster(stateFile: string): Promise<void> {
  if (!existsSync(stateFile)) return;
  await new SlurmCluster(JSON.parse(readFileSync(stateFile, 'utf8')) as SlurmClusterState).stop();
  rmSync(stateFile, { force: true });
}
