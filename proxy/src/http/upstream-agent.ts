import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Set on an upstream socket once its TCP connection is established: errors before that mean "could not connect". */
export const kConnected = Symbol('hpcg.upstreamConnected');

export const CONNECT_TIMEOUT_CODE = 'ECONNECTTIMEOUT';

/** Idle pooled connections are closed after this long, unless the upstream announces a shorter keep-alive. */
const FREE_SOCKET_TIMEOUT_MS = 15_000;

export interface UpstreamAgentOptions {
  maxSockets: number;
  connectTimeoutMs: number;
}

/**
 * Node's Agent has no connect timeout of its own (a socket timeout would also cut slow responses), so
 * every new connection gets a timer that only runs until the TCP handshake completes.
 */
function guardConnect(socket: Duplex | null | undefined, connectTimeoutMs: number): void {
  if (!socket) return;
  const s = socket as Socket & { [kConnected]?: boolean };
  s[kConnected] = false;
  const timer = connectTimeoutMs > 0
    ? setTimeout(() => {
        const err = Object.assign(new Error(`connect timed out after ${connectTimeoutMs}ms`), { code: CONNECT_TIMEOUT_CODE });
        s.destroy(err);
      }, connectTimeoutMs)
    : null;
  s.once('connect', () => {
    s[kConnected] = true;
    if (timer) clearTimeout(timer);
  });
  if (timer) s.once('close', () => clearTimeout(timer));
}

class HttpUpstreamAgent extends http.Agent {
  constructor(private readonly connectTimeoutMs: number, options: http.AgentOptions) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectTimeoutMs);
    return socket;
  }
}

class HttpsUpstreamAgent extends https.Agent {
  constructor(private readonly connectTimeoutMs: number, options: https.AgentOptions) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectTimeoutMs);
    return socket;
  }
}

/** A keep-alive agent for one upstream origin: bounded sockets, newest idle socket reused first. */
export function createUpstreamAgent(secure: boolean, options: UpstreamAgentOptions): http.Agent {
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: Math.min(256, options.maxSockets),
    scheduling: 'lifo',
    timeout: FREE_SOCKET_TIMEOUT_MS,
  };
  return secure ? new HttpsUpstreamAgent(options.connectTimeoutMs, agentOptions) : new HttpUpstreamAgent(options.connectTimeoutMs, agentOptions);
}
