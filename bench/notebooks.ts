/**
 * bench/notebooks: the time from a spawn request to a ready server, through JupyterHub's REST API, for
 * JupyterHub's own local spawner (SimpleLocalProcessSpawner: LocalProcessSpawner without switching
 * users) and for GatewaySpawner through the gateway's local engine, in one run on this machine. Both
 * hubs are Debian's JupyterHub 3.0 behind their own hpcg-proxy and start the same single-user server;
 * spawns alternate between the two so that the machine's noise falls on both alike.
 *
 *   npm run bench:notebooks -- [--spawns 10]
 *
 * Needs the packages of scripts/test-deps/notebooks.sh, and PostgreSQL and Redis (as `npm test`).
 * Target (issue 8): the gateway adds less than 200 ms (median) to the time to ready.
 */
import { performance } from 'node:perf_hooks';
import { request, sleep } from '../test/proxy/http-client';
import { type RunningHub, startJupyterHub } from '../test/proxy/jupyterhub';
import { TEST_TOKEN } from '../test/proxy/proxy-harness';
import { runProxyProcess } from '../test/proxy/proxy-process';
import { numberArg } from './bench-run';
import { freePort } from '../test/support/free-port';
import { NotebookSite } from '../test/support/notebook-site';

interface Hub {
  label: string;
  publicUrl: string;
  serviceToken: string;
  body: unknown;
}

async function hubCall(hub: Hub, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${hub.publicUrl}/hub/api${path}`, {
    method,
    headers: { Authorization: `token ${hub.serviceToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 60_000,
  });
  return { status: res.status, json: res.body ? JSON.parse(res.body) : {} };
}

/** One spawn: request to `ready` in the hub's own record (polled every 10 ms), then a stop. */
async function spawnOnce(hub: Hub, user: string): Promise<number> {
  const t0 = performance.now();
  const started = await hubCall(hub, 'POST', `/users/${user}/server`, hub.body);
  if (started.status !== 201 && started.status !== 202) throw new Error(`${hub.label}: spawn answered ${started.status} ${JSON.stringify(started.json)}`);
  for (;;) {
    const u = await hubCall(hub, 'GET', `/users/${user}`);
    const server = u.json.servers?.[''];
    if (server?.ready) break;
    if (!server) throw new Error(`${hub.label}: the server of ${user} failed to start`);
    if (performance.now() - t0 > 120_000) throw new Error(`${hub.label}: no ready server within 120 s`);
    await sleep(10);
  }
  const ms = performance.now() - t0;
  await hubCall(hub, 'DELETE', `/users/${user}/server`);
  for (let i = 0; i < 3000 && (await hubCall(hub, 'GET', `/users/${user}`)).json.servers?.['']; i++) await sleep(20);
  return ms;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const spawns = numberArg('spawns', 10);
  const users = Array.from({ length: spawns }, (_, i) => `bench${i}`);
  const site = await NotebookSite.start({ users, startTimeout: 120 });
  const [port, apiPort] = [await freePort(), await freePort()];
  const anchorProxy = runProxyProcess(['--ip', '127.0.0.1', '--port', String(port), '--api-ip', '127.0.0.1', '--api-port', String(apiPort), '--store', 'memory', '--metrics-port', '0']);
  let anchorHub: RunningHub | null = null;
  try {
    await sleep(500);
    anchorHub = await startJupyterHub(`http://127.0.0.1:${port}`, `http://127.0.0.1:${apiPort}`, TEST_TOKEN);
    const anchor: Hub = { label: 'LocalProcessSpawner', publicUrl: `http://127.0.0.1:${port}`, serviceToken: anchorHub.serviceToken, body: {} };
    const gateway: Hub = { label: 'GatewaySpawner', publicUrl: site.publicUrl, serviceToken: site.hub.serviceToken, body: { profile: 'small' } };
    for (const u of users) {
      await hubCall(anchor, 'POST', `/users/${u}`);
    }
    // One unmeasured spawn each: Python's first imports and the gateway's first queries are not the steady state.
    await spawnOnce(anchor, users[0]);
    await spawnOnce(gateway, users[0]);

    const times: Record<string, number[]> = { [anchor.label]: [], [gateway.label]: [] };
    for (const u of users) {
      for (const hub of [anchor, gateway]) {
        const ms = await spawnOnce(hub, u);
        times[hub.label].push(ms);
        console.log(`${hub.label.padEnd(20)} ${u.padEnd(8)} ${ms.toFixed(0).padStart(6)} ms`);
      }
    }
    const stats = (label: string) => {
      const s = [...times[label]].sort((a, b) => a - b);
      return { median: quantile(s, 0.5), p90: quantile(s, 0.9), min: s[0] };
    };
    const a = stats(anchor.label);
    const g = stats(gateway.label);
    console.log(`\nspawn request -> ready, ${spawns} spawns each (JupyterHub 3.0 REST API, same single-user server)`);
    for (const [label, s] of [[anchor.label, a], [gateway.label, g]] as const) {
      console.log(`${label.padEnd(20)} median ${s.median.toFixed(0).padStart(6)} ms   p90 ${s.p90.toFixed(0).padStart(6)} ms   min ${s.min.toFixed(0).padStart(6)} ms`);
    }
    console.log(`gateway adds: median ${(g.median - a.median).toFixed(0)} ms (${(g.median / a.median).toFixed(2)}x), p90 ${(g.p90 - a.p90).toFixed(0)} ms   target: < 200 ms`);
  } finally {
    await anchorHub?.stop();
    anchorProxy.child.kill('SIGTERM');
    await anchorProxy.exit;
    await site.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  },
);
