/** jest globalSetup (integration, e2e): names the file through which Slurm test files share one cluster. */
export default function setup(): void {
  process.env.HPCG_TEST_SLURM_STATE ??= `/tmp/hpcg-slurm-shared-${process.pid}.json`;
}
