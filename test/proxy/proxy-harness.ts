import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import type { CliFlags } from '../../proxy/src/config/cli-flags';
import { loadProxyConfig } from '../../proxy/src/config/load-config';
import { createLogger } from '../../proxy/src/logger';
import { ProxyServer } from '../../proxy/src/server';
import { type ClientResponse, request } from './http-client';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface RunningProxy {
  server: ProxyServer;
  publicUrl: string;
  apiUrl: string;
  metricsUrl: string;
  /** The SSH front's port, when `proxy.ssh` was given. */
  sshPort: number | null;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  /** A route API call with the test token (or `token`, or none when null). */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<ClientResponse>;
  stop(): Promise<void>;
}

/**
 * Starts a real hpcg-proxy in this process on port 0, through the same configuration path as
 * `hpcg-proxy`: the given `proxy.http` (and `proxy.ssh`) sections are written to a temporary hpcg.yaml.
 */
export async function startProxy(http: Record<string, unknown> = {}, flags: CliFlags = {}, env: NodeJS.ProcessEnv = {}, ssh?: Record<string, unknown>): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcg-proxy-test-'));
  const file = join(dir, 'hpcg.yaml');
  // A short shutdown grace keeps stop() well inside a test hook's timeout when a websocket lingers.
  const timeouts = { shutdownGrace: '2s', ...(http.timeouts as Record<string, unknown> | undefined) };
  writeFileSync(file, stringify({ proxy: { http: { listen: '127.0.0.1:0', api: '127.0.0.1:0', metrics: '127.0.0.1:0', store: 'memory', ...http, timeouts }, ...(ssh ? { ssh: { listen: '127.0.0.1:0', ...ssh } } : {}) } }));
  const config = loadProxyConfig({ config: file, ...flags }, { CONFIGPROXY_AUTH_TOKEN: TEST_TOKEN, ...env });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const server = new ProxyServer(config, createLogger(config.logLevel === 'info' ? 'info' : config.logLevel, sink));
  let addresses;
  try {
    addresses = await server.start();
  } catch (e) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const apiUrl = `http://127.0.0.1:${addresses.api.port}`;
  return {
    server,
    publicUrl: `http://127.0.0.1:${addresses.public.port}`,
    apiUrl,
    metricsUrl: `http://127.0.0.1:${addresses.metrics?.port}`,
    sshPort: addresses.ssh?.port ?? null,
    logs,
    api(method, path, body, token = TEST_TOKEN) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.Authorization = `token ${token}`;
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      if (text !== undefined) headers['Content-Type'] = 'application/json';
      return request(`${apiUrl}${path}`, { method, headers, body: text });
    },
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
