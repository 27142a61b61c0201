/**
 * `-M/--clusters` (and SLURM_CLUSTERS) as Slurm 22.05's commands read it on a site with one cluster:
 * the gateway's cluster name (Partition.cluster, the SLURM_CLUSTER_NAME jobs see) or `all` selects
 * it; any other name is an error in Slurm's words (slurmdb_get_info_cluster, print_db_notok). sacct
 * differs: it filters its records by cluster, so an unknown name just selects nothing.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { listPartitions } from '../gateway-api';

export interface ClusterChoice {
  /** The -M value as given, or null when neither -M nor SLURM_CLUSTERS was used. */
  given: string | null;
  fromEnv: boolean;
}

export function clusterChoice(option: string | undefined, env: NodeJS.ProcessEnv): ClusterChoice {
  if (option !== undefined) return { given: option, fromEnv: false };
  return env.SLURM_CLUSTERS ? { given: env.SLURM_CLUSTERS, fromEnv: true } : { given: null, fromEnv: false };
}

const names = (value: string) => value.split(',').map((n) => n.trim()).filter(Boolean);
const meansAll = (n: string) => n.toLowerCase() === 'all' || n === '-1';

/** The site's cluster name, as the gateway reports it. */
export async function siteClusterName(ctx: CliContext): Promise<string> {
  return (await listPartitions(ctx.client()))[0]?.cluster ?? '';
}

/**
 * squeue, sinfo, scontrol: the cluster named, else Slurm's two error lines (exit 1). Returns the
 * cluster's name to print in `CLUSTER: name`, or null when -M was not used.
 */
export async function requireSiteCluster(ctx: CliContext, command: string, choice: ClusterChoice): Promise<string | null> {
  if (choice.given === null) return null;
  const site = await siteClusterName(ctx);
  const unknown = names(choice.given).filter((n) => !meansAll(n) && n !== site);
  if (unknown.length === 0 && names(choice.given).length > 0) return site;
  const lines = unknown.map((n) => `No cluster '${n}' known by database.`);
  const where = choice.fromEnv ? 'SLURM_CLUSTERS' : '--cluster';
  lines.push(`'${choice.given}' can't be reached now, or it is an invalid entry for ${where}.  Use 'sacctmgr list clusters' to see available clusters.`);
  throw new CommandError(lines.join(`\n${command}: error: `));
}

/** sacct: whether the records of the site's cluster are among those asked for (no -M: yes). */
export async function sacctSelectsSiteCluster(ctx: CliContext, choice: ClusterChoice): Promise<boolean> {
  if (choice.given === null) return true;
  const wanted = names(choice.given);
  if (wanted.some(meansAll)) return true;
  return wanted.includes(await siteClusterName(ctx));
}
