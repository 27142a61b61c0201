import * as net from 'node:net';
import { describeNetworkError } from '../pool/health-probe';

export type NodeConnection =
  | { ok: true; socket: net.Socket; banner: Buffer; ms: number }
  | { ok: false; detail: string };

/**
 * Opens a TCP connection to a login node and waits for its first bytes (sshd speaks first: its
 * "SSH-2.0-…" banner). Only then is the node known to take the connection: a node that refuses,
 * does not answer, or closes before its banner (a dying sshd, MaxStartups) is a failure the caller
 * can still hide from the user by trying another node. On success the socket is paused, its first
 * chunk returned, and nothing is listening to it.
 */
export function connectToNode(host: string, port: number, timeoutMs: number): Promise<NodeConnection> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    let connected = false;
    const finish = (result: NodeConnection) => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onConnect = () => (connected = true);
    const onData = (chunk: Buffer) => {
      socket.pause();
      finish({ ok: true, socket, banner: chunk, ms: performance.now() - started });
    };
    const onEnd = () => finish({ ok: false, detail: 'closed the connection before sending its SSH banner' });
    const onError = (err: NodeJS.ErrnoException) => finish({ ok: false, detail: describeNetworkError(err) });
    const timer = setTimeout(
      () => finish({ ok: false, detail: connected ? `sent no SSH banner within ${timeoutMs}ms` : `did not accept the connection within ${timeoutMs}ms` }),
      timeoutMs,
    );
    socket.once('connect', onConnect);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}
