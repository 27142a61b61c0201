import { join } from 'node:path';
import { request, waitFor } from '../proxy/http-client';
import { type RunningHub, startJupyterHub } from '../proxy/jupyterhub';
import { TEST_TOKEN } from '../proxy/proxy-harness';
import { type ProxyProcess, runProxyProcess } from '../proxy/proxy-process';
import { freePort } from './free-port';
import { GatewayFixture } from './gateway-fixture';
import { hubApiRequest, startHubFront, stopHubAndFront } from './hub-front';
import { ROOT } from './gateway-process';

/** The password Debian's DummyAuthenticator accepts for every user of these sites. */
export const HUB_PASSWORD = 'notebook-test-password';

/** The site's profiles, on a partition `debug` of at least 30 minutes (the test Slurm and Kubernetes sites' limit). */
export const NOTEBOOK_PROFILES = `
notebooks:
  startTimeout: 120
  profiles:
    - name: small
      description: "1 CPU, 1 GB <for> quick looks"
      partition: debug
      cpus: 1
      memory: 1G
      maxTime: "0:30:00"
      userOptions:
        time: { min: "0:10:00", max: "0:30:00" }
    - name: large
      description: "Up to 2 CPUs and 4 GB"
      partition: debug
      cpus: 1
      memory: 2G
      maxTime: "0:30:00"
      userOptions:
        cpus: { min: 1, max: 2 }
        memory: { min: 1G, max: 4G }
`;

/** A started gateway (API and worker) for a notebook site, and how to stop it with what it brought along. */
export interface NotebookGateway {
  gw: GatewayFixture;
  /** Tokens of hub users it created itself (users that run jobs as Unix users, with uid/gid/home); NotebookSite creates the others. */
  tokens?: Record<string, string>;
  stop(): Promise<void>;
}

/** Builds and starts a gateway whose site has a partition `debug` and, appended, the given `notebooks:` YAML. */
export type NotebookGatewayFactory = (notebooksYaml: string) => Promise<NotebookGateway>;

export interface NotebookSiteOptions {
  /** The gateway and its engine; default: the local engine with `slots` CPU slots. */
  gateway?: NotebookGatewayFactory;
  /** CPU slots of the local engine (the queue test holds the only one). */
  slots?: number;
  /** JupyterHub's `Spawner.start_timeout`, seconds. */
  startTimeout?: number;
  /** Extra `notebooks.profiles` entries (YAML list items, indented four spaces). */
  extraProfiles?: string;
  /** Hub users (DummyAuthenticator), each also a gateway user. */
  users: string[];
  /** More jupyterhub_config.py lines. */
  hubConfig?: string;
}

/**
 * A whole notebook site, as a site runs it: the gateway (API and worker processes, local engine),
 * `hpcg-proxy` as its own process, and Debian's JupyterHub using it as its external proxy and
 * GatewaySpawner (spawner/, on PYTHONPATH) with a gateway service token that may act for users.
 */
export class NotebookSite {
  gw!: GatewayFixture;
  private gateway: NotebookGateway | null = null;
  proxy!: ProxyProcess;
  hub!: RunningHub;
  publicUrl = '';
  proxyApiUrl = '';
  /** The gateway token JupyterHub uses (scope users:act-as). */
  gatewayServiceToken = '';
  /** Each user's own gateway token. */
  readonly tokens: Record<string, string> = {};

  static async start(options: NotebookSiteOptions): Promise<NotebookSite> {
    const site = new NotebookSite();
    try {
      await site.startAll(options);
    } catch (e) {
      await site.stop();
      throw e;
    }
    return site;
  }

  private async startAll(options: NotebookSiteOptions): Promise<void> {
    this.gateway = await (options.gateway ?? localNotebookGateway(options.slots ?? 2))(`${NOTEBOOK_PROFILES}${options.extraProfiles ?? ''}`);
    this.gw = this.gateway.gw;
    Object.assign(this.tokens, this.gateway.tokens);
    for (const u of options.users) this.tokens[u] ??= await this.gw.user(u);
    await this.gw.admin(`mutation { createUser(username: "jupyterhub", serviceAccount: true) { id } }`);
    const issued = await this.gw.admin<{ issueToken: { token: string } }>(
      `mutation { issueToken(username: "jupyterhub", name: "hub", scopes: ["users:act-as", "jobs:read", "jobs:write"]) { token } }`,
    );
    this.gatewayServiceToken = issued.issueToken.token;

    ({ proxy: this.proxy, publicUrl: this.publicUrl, proxyApiUrl: this.proxyApiUrl } = await startHubFront());

    this.hub = await startJupyterHub(this.publicUrl, this.proxyApiUrl, TEST_TOKEN, {
      env: { PYTHONPATH: join(ROOT, 'spawner') },
      config: `
c.JupyterHub.spawner_class = 'hpcg_spawner.GatewaySpawner'
c.GatewaySpawner.gateway_url = ${JSON.stringify(this.gw.url)}
c.GatewaySpawner.gateway_token = ${JSON.stringify(this.gatewayServiceToken)}
c.Spawner.start_timeout = ${options.startTimeout ?? 60}
c.Spawner.poll_interval = 1
c.DummyAuthenticator.password = ${JSON.stringify(HUB_PASSWORD)}
# A hub restart must leave running servers alone (they are the gateway's jobs).
c.JupyterHub.cleanup_servers = False
${options.hubConfig ?? ''}`,
    });
    for (const u of options.users) {
      const created = await this.hubApi('POST', `/users/${u}`);
      if (created.status !== 201) throw new Error(`creating hub user ${u}: ${created.status} ${JSON.stringify(created.json)}`);
    }
  }

  /** The hub's REST API as its admin service, through the proxy. */
  hubApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    return hubApiRequest(this.publicUrl, this.hub.serviceToken, method, path, body);
  }

  /** The hub's record of a user's default server (null when it has none). */
  async server(user: string): Promise<{ ready: boolean; pending: string | null; url: string } | null> {
    const u = await this.hubApi('GET', `/users/${user}`);
    return u.json.servers?.[''] ?? null;
  }

  /** The proxy's route table, from its CHP-compatible API. */
  async routes(): Promise<Record<string, { target: string; last_activity: string }>> {
    return JSON.parse((await request(`${this.proxyApiUrl}/api/routes`, { headers: { Authorization: `token ${TEST_TOKEN}` } })).body);
  }

  /** A JupyterHub API token of the user, for their server's API. */
  async userToken(user: string): Promise<string> {
    const t = await this.hubApi('POST', `/users/${user}/tokens`, { note: 'notebook e2e', expires_in: 3600 });
    if (t.status !== 201) throw new Error(`token for ${user}: ${t.status} ${JSON.stringify(t.json)}`);
    return t.json.token as string;
  }

  async stop(): Promise<void> {
    await stopHubAndFront(this.hub, this.proxy);
    await this.gateway?.stop();
  }
}

/** The local engine: jobs run as the gateway's own user, so hub users need no Unix account. */
function localNotebookGateway(slots: number): NotebookGatewayFactory {
  return async (notebooksYaml) => {
    const gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: ${slots}, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "2:00:00" }
${notebooksYaml}`,
    });
    try {
      await gw.startWorker();
    } catch (e) {
      await gw.stop();
      throw e;
    }
    return { gw, stop: () => gw.stop() };
  };
}
