import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, waitFor } from './http-client';
import { freePort } from './http-upstream';

export interface RunningHub {
  hubUrl: string;
  serviceToken: string;
  /** The hub's folder: its configuration, database and cookie secret. */
  dir: string;
  /** Everything JupyterHub wrote, for failure messages. */
  output(): string;
  /** Stops the hub and starts it again on the same port with the same database and cookie secret. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** How the hub gets its proxy: one already running, or a command it starts itself, as it starts CHP. */
export type HubProxy = { external: true } | { command: string[]; env: NodeJS.ProcessEnv };

export interface HubOptions {
  proxy?: HubProxy;
  /** jupyterhub_config.py lines appended last (spawner, authenticator), so they win over the defaults. */
  config?: string;
  /** Environment of the hub process, over this process's own. */
  env?: NodeJS.ProcessEnv;
  /** A command the hub runs under (it ends by exec'ing its arguments), e.g. to give it a mount namespace of its own. */
  wrapper?: string[];
}

/**
 * Debian's JupyterHub 3.0 (ENVIRONMENT.md) with its ConfigurableHTTPProxy class, unchanged: either
 * should_start = False with the proxy's API URL and token, or should_start = True with the proxy's
 * command in place of configurable-http-proxy. Users are created through a service token; by default
 * servers run as the hub's own user (SimpleLocalProcessSpawner).
 */
export async function startJupyterHub(publicUrl: string, proxyApiUrl: string, proxyToken: string, options: HubOptions = {}): Promise<RunningHub> {
  const proxy = options.proxy ?? { external: true };
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-jupyterhub-'));
  const hubPort = await freePort();
  const serviceToken = `service-${Date.now()}-0123456789abcdef`;
  writeFileSync(
    join(dir, 'jupyterhub_config.py'),
    `
c = get_config()  # noqa
c.JupyterHub.bind_url = ${JSON.stringify(publicUrl)}
c.JupyterHub.hub_bind_url = 'http://127.0.0.1:${hubPort}'
${'command' in proxy ? `c.ConfigurableHTTPProxy.should_start = True\nc.ConfigurableHTTPProxy.command = ${JSON.stringify(proxy.command)}` : 'c.ConfigurableHTTPProxy.should_start = False'}
c.ConfigurableHTTPProxy.api_url = ${JSON.stringify(proxyApiUrl)}
c.ConfigurableHTTPProxy.auth_token = ${JSON.stringify(proxyToken)}
c.JupyterHub.authenticator_class = 'dummy'
c.JupyterHub.spawner_class = 'simple'
c.Spawner.args = ['--allow-root']
c.Spawner.environment = {'JUPYTERHUB_SINGLEUSER_APP': 'notebook.notebookapp.NotebookApp'}
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.SimpleLocalProcessSpawner.home_dir_template = ${JSON.stringify(join(dir, 'home', '{username}'))}
c.JupyterHub.db_url = 'sqlite:///${join(dir, 'jupyterhub.sqlite')}'
c.JupyterHub.cookie_secret_file = ${JSON.stringify(join(dir, 'cookie_secret'))}
c.JupyterHub.pid_file = ${JSON.stringify(join(dir, 'jupyterhub.pid'))}
c.JupyterHub.services = [{'name': 'hpcg-test', 'api_token': ${JSON.stringify(serviceToken)}}]
c.JupyterHub.load_roles = [{'name': 'hpcg-test', 'scopes': ['admin:users', 'admin:servers', 'tokens', 'read:users:activity'], 'services': ['hpcg-test']}]
c.JupyterHub.cleanup_servers = True
${options.config ?? ''}
`,
  );
  let out = '';
  let child: ChildProcess;
  let exited: Promise<void>;
  const env = { ...process.env, ...('env' in proxy ? proxy.env : {}), ...options.env };

  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const launch = async () => {
    const hub = ['/usr/bin/python3', '-m', 'jupyterhub', '-f', join(dir, 'jupyterhub_config.py')];
    const [program, ...args] = [...(options.wrapper ?? []), ...hub];
    child = spawn(program, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      // Ready when the hub answers through the proxy: it has registered its own route over the API.
      await waitFor('JupyterHub to answer through the proxy', async () => {
        if (child.exitCode !== null) throw new Error(`JupyterHub exited with ${child.exitCode}:\n${out}`);
        return (await request(`${publicUrl}/hub/api`).catch(() => ({ status: 0 }))).status === 200;
      }, 30_000, 100);
    } catch (e) {
      await halt();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${(e as Error).message}\n--- JupyterHub output ---\n${out}`);
    }
  };
  await launch();
  return {
    hubUrl: `http://127.0.0.1:${hubPort}`,
    serviceToken,
    dir,
    output: () => out,
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
