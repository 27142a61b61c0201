import { request, waitFor } from '../proxy/http-client';
import type { RunningHub } from '../proxy/jupyterhub';
import { type ProxyProcess, runProxyProcess } from '../proxy/proxy-process';
import { freePort } from './free-port';

/** hpcg-proxy as its own process in front of a JupyterHub: the public URL users reach and the route API the hub drives. */
export interface HubFront {
  proxy: ProxyProcess;
  publicUrl: string;
  proxyApiUrl: string;
}

export async function startHubFront(): Promise<HubFront> {
  const [port, apiPort] = [await freePort(), await freePort()];
  const front = { publicUrl: `http://127.0.0.1:${port}`, proxyApiUrl: `http://127.0.0.1:${apiPort}` };
  const proxy = runProxyProcess(['--ip', '127.0.0.1', '--port', String(port), '--api-ip', '127.0.0.1', '--api-port', String(apiPort), '--store', 'memory', '--metrics-port', '0']);
  await waitFor('hpcg-proxy to listen', async () => (await request(`${front.publicUrl}/_chp_healthz`).catch(() => ({ status: 0 }))).status === 200, 15_000, 50);
  return { proxy, ...front };
}

/** The hub's REST API as its admin service, through the proxy. */
export async function hubApiRequest(publicUrl: string, serviceToken: string, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<{ status: number; json: any }> {
  const res = await request(`${publicUrl}/hub/api${path}`, {
    method,
    headers: { Authorization: `token ${serviceToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs,
  });
  return { status: res.status, json: res.body ? JSON.parse(res.body) : {} };
}

/** Stops the hub, then the proxy in front of it (either may be missing after a failed start). */
export async function stopHubAndFront(hub: RunningHub | undefined, proxy: ProxyProcess | undefined): Promise<void> {
  await hub?.stop().catch(() => undefined);
  if (proxy && proxy.child.exitCode === null) {
    proxy.child.kill('SIGTERM');
    await proxy.exit;
  }
}
