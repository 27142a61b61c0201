import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningHub, startJupyterHub } from '../proxy/jupyterhub';
import { TEST_TOKEN } from '../proxy/proxy-harness';
import type { ProxyProcess } from '../proxy/proxy-process';
import { freePort } from '../support/free-port';
import { GatewayFixture } from '../support/gateway-fixture';
import { hubApiRequest, startHubFront, stopHubAndFront } from '../support/hub-front';
import { ROOT, bin } from '../support/gateway-process';
import type { SlurmCluster } from '../support/slurm-cluster';
import { slurmSite, unixUser } from '../support/slurm-gateway';

/** The hub user: a Unix user of its own, so the token file in its home disturbs no other test. */
export const BSP_USER = 'hpcg-bsp';
export const HUB_PASSWORD = 'batchspawner-test-password';
const SPAWNER_DIR = join(ROOT, 'test', 'notebooks', 'batchspawner');
export const CLI_MAIN = bin('hpcg');

/** Creates the Unix user if it is missing (another test process may race: then it exists). */
export function ensureUnixUser(name: string): { uid: number; gid: number; home: string } {
  try {
    return unixUser(name);
  } catch {
    try {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', '--user-group', name], { stdio: 'pipe' });
    } catch {
      // Created by someone else in the meantime.
    }
    return unixUser(name);
  }
}

/** Writes `token` where `hpcg login` would, as `user`'s own file (0600 in a 0700 folder). */
export function writeUserToken(configDir: string, owner: { uid: number; gid: number }, token: string): string {
  const hpcgDir = join(configDir, 'hpcg');
  mkdirSync(hpcgDir, { recursive: true, mode: 0o700 });
  for (const d of [configDir, hpcgDir]) chownSync(d, owner.uid, owner.gid);
  const file = join(hpcgDir, 'token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chownSync(file, owner.uid, owner.gid);
  chmodSync(file, 0o600);
  return file;
}

/**
 * A site as batchspawner's users run it: the gateway (API on a fixed port, worker) in front of the real
 * Slurm 22.05 test cluster; `hpcg shims --url` written into a folder that the hub, alone, sees as
 * /usr/local/bin (a private mount namespace: Debian's sudo replaces PATH with secure_path, whose
 * /usr/local/bin comes before /usr/bin, so that is where a site installs them); Debian's JupyterHub 3.0
 * behind hpcg-proxy, with a spawner that runs SlurmSpawner's commands through `sudo -E -u USER`.
 * The hub user's own gateway token is in their ~/.config/hpcg/token, as `hpcg login` leaves it.
 */
export class BatchspawnerSite {
  gw!: GatewayFixture;
  proxy!: ProxyProcess;
  hub!: RunningHub;
  publicUrl = '';
  proxyApiUrl = '';
  shims = '';
  commandLog = '';
  userToken = '';
  tokenFile = '';
  unix!: { uid: number; gid: number; home: string };

  static async start(cluster: SlurmCluster): Promise<BatchspawnerSite> {
    const site = new BatchspawnerSite();
    try {
      await site.startAll(cluster);
    } catch (e) {
      await site.stop();
      throw e;
    }
    return site;
  }

  private async startAll(cluster: SlurmCluster): Promise<void> {
    this.unix = ensureUnixUser(BSP_USER);
    const siteName = `t${Math.random().toString(16).slice(2, 10)}`;
    // A fixed API port, so the gateway can be stopped and started again at the address the shims carry.
    this.gw = await GatewayFixture.start({ site: slurmSite(cluster, { kind: 'local' }, siteName), env: { HPCG_PORT: String(await freePort()) } });
    await this.gw.startWorker();
    this.userToken = await this.gw.user(BSP_USER, { uid: this.unix.uid, gid: this.unix.gid, home: this.unix.home });
    this.tokenFile = writeUserToken(join(this.unix.home, '.config'), this.unix, this.userToken);

    this.shims = join(this.gw.dir, 'shims');
    execFileSync(process.execPath, [CLI_MAIN, 'shims', this.shims, '--url', this.gw.url], { stdio: 'pipe' });
    chmodSync(this.shims, 0o755);
    this.commandLog = join(this.gw.dir, 'commands.jsonl');

    ({ proxy: this.proxy, publicUrl: this.publicUrl, proxyApiUrl: this.proxyApiUrl } = await startHubFront());

    this.hub = await startJupyterHub(this.publicUrl, this.proxyApiUrl, TEST_TOKEN, {
      env: { PYTHONPATH: SPAWNER_DIR },
      wrapper: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /usr/local/bin && exec "$@"', this.shims],
      config: `
import slurm_commands_spawner
c.JupyterHub.spawner_class = 'slurm_commands_spawner.SlurmCommandsSpawner'
c.JupyterHub.extra_handlers = slurm_commands_spawner.extra_handlers()
c.SlurmCommandsSpawner.singleuser_wrapper = ${JSON.stringify(join(SPAWNER_DIR, 'report_port_then_run.py'))}
c.SlurmCommandsSpawner.command_log = ${JSON.stringify(this.commandLog)}
c.Spawner.args = []
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
c.Spawner.poll_interval = 1
c.DummyAuthenticator.password = ${JSON.stringify(HUB_PASSWORD)}
`,
    });
    const created = await this.hubApi('POST', `/users/${BSP_USER}`);
    if (created.status !== 201) throw new Error(`creating hub user ${BSP_USER}: ${created.status} ${JSON.stringify(created.json)}`);
  }

  /** Every command the spawner ran, in order. */
  commands(): { cmd: string; exit: number; stdout: string; stderr: string }[] {
    if (!existsSync(this.commandLog)) return [];
    return readFileSync(this.commandLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { cmd: string; exit: number; stdout: string; stderr: string });
  }

  hubApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    return hubApiRequest(this.publicUrl, this.hub.serviceToken, method, path, body, 60_000);
  }

  async server(): Promise<{ ready: boolean; pending: string | null; url: string } | null> {
    return (await this.hubApi('GET', `/users/${BSP_USER}`)).json.servers?.[''] ?? null;
  }

  async stop(): Promise<void> {
    await stopHubAndFront(this.hub, this.proxy);
    if (this.tokenFile) rmSync(this.tokenFile, { force: true });
    await this.gw?.stop();
  }
}
