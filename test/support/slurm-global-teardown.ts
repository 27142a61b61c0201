import { stopSharedSlurmCluster } from './shared-slurm';

/** jest globalTeardown (integration, e2e): stops the shared Slurm cluster, if a test started one. */
export default async function teardown(): Promise<void> {
  if (process.env.HPCG_TEST_SLURM_STATE) await stopSharedSlurmCluster(process.env.HPCG_TEST_SLURM_STATE);
}
