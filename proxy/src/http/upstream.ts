import * as http from 'node:http';
import * as https from 'node:https';
import { UpstreamAgentOptions, createUpstreamAgent } from './upstream-agent';

/** One upstream base URL, ready for the hot path: everything http.request needs is precomputed. */
export interface Upstream {
  /** The URL as configured, without a trailing "/": what logs and the status page show. */
  readonly url: string;
  readonly origin: string;
  readonly hostname: string;
  readonly port: number;
  /** The target URL's path, prepended to every request path ("" for a bare origin). */
  readonly basePath: string;
  readonly agent: http.Agent;
  readonly request: typeof http.request;
}

interface AgentEntry {
  agent: http.Agent;
  users: number;
}

/**
 * Upstreams share one keep-alive agent per origin. JupyterHub adds and removes a route per notebook
 * server, so agents are reference-counted and destroyed (closing their idle sockets) with the last route.
 */
export class UpstreamRegistry {
  private readonly agents = new Map<string, AgentEntry>();

  constructor(private readonly agentOptions: UpstreamAgentOptions) {}

  acquire(url: URL): Upstream {
    const secure = url.protocol === 'https:';
    let entry = this.agents.get(url.origin);
    if (!entry) {
      entry = { agent: createUpstreamAgent(secure, this.agentOptions), users: 0 };
      this.agents.set(url.origin, entry);
    }
    entry.users++;
    const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
    return {
      url: url.origin + basePath,
      origin: url.origin,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      basePath,
      agent: entry.agent,
      request: secure ? https.request : http.request,
    };
  }

  release(upstream: Upstream): void {
    const entry = this.agents.get(upstream.origin);
    if (!entry) return;
    entry.users--;
    if (entry.users <= 0) {
      entry.agent.destroy();
      this.agents.delete(upstream.origin);
    }
  }

  get size(): number {
    return this.agents.size;
  }

  destroy(): void {
    for (const entry of this.agents.values()) entry.agent.destroy();
    this.agents.clear();
  }
}
