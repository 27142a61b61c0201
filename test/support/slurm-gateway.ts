import { randomBytes } from 'node:crypto';
import { chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { claimedNonce } from '../../src/engines/slurm/translate-job';
import { GatewayFixture } from './gateway-fixture';
import type { LoginNode } from './login-node';
import type { SlurmCluster } from './slurm-cluster';

/** The Unix user Slurm test jobs run as (created by scripts/test-deps/slurm.sh). */
export const SLURM_TEST_USER = 'hpcg-slurm-a';
/** A service account with passwordless sudo to the test users only (scripts/test-deps/slurm.sh). */
export const SLURM_SUDO_ACCOUNT = 'hpcg-slurm-svc';

export function unixUser(name: string): { uid: number; gid: number; home: string } {
  const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { uid: Number(uid), gid: Number(gid), home };
}

/** How the gateway reaches Slurm; over SSH it logs in as root and submits as the owner unless told to sudo from `user`. */
export type SlurmRunnerChoice = { kind: 'local' } | { kind: 'ssh'; node: LoginNode; sudoFrom?: string };

/** Site configuration: one Slurm engine `hpc` on `cluster`, its partitions named as Slurm's, then `extraSite` (top-level keys). */
export function slurmSite(cluster: SlurmCluster, runner: SlurmRunnerChoice, site: string, extraEngine = '', extraSite = ''): string {
  const runnerYaml =
    runner.kind === 'local'
      ? `runner: { kind: local }, submitAs: runuser`
      : `runner: { kind: ssh, host: 127.0.0.1, port: ${runner.node.port}, user: ${runner.sudoFrom ?? 'root'}, keyFile: ${runner.node.keyFile}, knownHosts: ${runner.node.knownHosts} }, submitAs: ${runner.sudoFrom ? 'sudo' : 'ssh-user'}`;
  return `
cluster: ${site}
engines:
  hpc: { kind: slurm, ${runnerYaml}, slurmConf: ${cluster.slurmConf}, cluster: ${cluster.state.clusterName}${extraEngine} }
partitions:
  - { name: debug, engine: hpc, default: true, maxTime: "30:00" }
  - { name: short, engine: hpc, maxTime: "2" }
  - { name: long, engine: hpc }
${extraSite}`;
}

/**
 * A gateway (API + worker) in front of the test Slurm cluster, with one user who exists on the
 * cluster: jobs run as that Unix user, so the fixture's folder is theirs to write in.
 */
export async function startSlurmGateway(
  cluster: SlurmCluster,
  runner: SlurmRunnerChoice,
  options: { env?: Record<string, string>; worker?: boolean; extraEngine?: string; extraSite?: string } = {},
): Promise<{ gw: GatewayFixture; token: string; uid: number; site: string }> {
  // A site name of its own: gateways sharing the cluster must never see each other's tags.
  const site = `t${randomBytes(5).toString('hex')}`;
  const gw = await GatewayFixture.start({ site: slurmSite(cluster, runner, site, options.extraEngine, options.extraSite), env: options.env });
  const user = unixUser(SLURM_TEST_USER);
  chownSync(gw.dir, user.uid, user.gid);
  if (options.worker !== false) await gw.startWorker();
  const token = await gw.user(SLURM_TEST_USER, { uid: user.uid, gid: user.gid, home: gw.dir });
  return { gw, token, uid: user.uid, site };
}

/** Every Slurm job (live or in accounting) whose comment claims the tag of this gateway job, whatever nonce it carries. */
export async function slurmJobsTagged(cluster: SlurmCluster, site: string, gatewayJobId: number): Promise<string[]> {
  const tagged = (comment: string) => claimedNonce(comment, site, gatewayJobId) !== null;
  const live = (await cluster.command('squeue', ['-h', '--states=all', '-o', '%F|%k'])).split('\n').map((l) => l.split('|'));
  const ended = (await cluster.command('sacct', ['-a', '-X', '-n', '-P', '--starttime=now-1days', '-o', 'JobIDRaw,Comment'])).split('\n').map((l) => l.split('|'));
  return [...new Set([...live, ...ended].filter(([id, comment]) => id && comment !== undefined && tagged(comment.trim())).map(([id]) => id.trim()))];
}
