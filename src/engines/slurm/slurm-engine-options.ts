import type { SecurityConfig } from '../../config/security-config.schema';
import type { CommandRunner } from '../command-runner/command-runner';
import type { SubmitAs } from '../command-runner/owner-command';
import type { EngineLogger } from '../shared/engine-logger';


export interface SlurmEngineOptions {
  name: string;
  runner: CommandRunner;
  submitAs: SubmitAs;
  /** SLURM_CONF for every command; null = the submit node's own configuration. */
  slurmConf: string | null;
  /** Folder of sbatch, squeue, sacct, scancel, sinfo, scontrol on the submit node. */
  binDir: string;
  /** Whether slurmdbd answers sacct (final states of jobs that left squeue). */
  accounting: boolean;
  /** The gateway's site name: tags read `hpcg:<site>:<gateway job id>` so gateways sharing a cluster never mix jobs. */
  site: string;
  /** Expected Slurm ClusterName (checked by health); null = not checked. */
  clusterName: string | null;
  logger: EngineLogger;
  /** The site's `security` section (minUid/minGid): no job is handed to the engine for an owner below it. */
  security?: SecurityConfig;
}
