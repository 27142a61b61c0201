import type { Socket } from 'node:net';

export interface SpliceEnd {
  /** Bytes from the client to the node, and from the node to the client. */
  bytesUp: number;
  bytesDown: number;
  /** Why it ended, when it was not a close from both sides: "idle timeout", "client: connection reset", … */
  cut: string | null;
}

/**
 * Pipes a client and a node connection into each other, byte for byte. pipe() gives backpressure
 * (a slow reader pauses the other side); both sockets allow half-open, so a FIN from one side is
 * passed on while the other direction keeps flowing (scp, `ssh host cmd < file`). An error on
 * either side, or `idleMs` without a byte in either direction, closes both.
 */
export function splice(client: Socket, node: Socket, idleMs: number, done: (end: SpliceEnd) => void): { cut(reason: string): void } {
  let cut: string | null = null;
  let open = 2;
  const cutBoth = (reason: string) => {
    cut ??= reason;
    client.destroy();
    node.destroy();
  };
  const onClose = () => {
    if (--open > 0) return;
    done({ bytesUp: client.bytesRead, bytesDown: client.bytesWritten, cut });
  };
  client.once('close', onClose);
  node.once('close', onClose);
  client.on('error', (err: NodeJS.ErrnoException) => cutBoth(`client: ${err.code ?? err.message}`));
  node.on('error', (err: NodeJS.ErrnoException) => cutBoth(`node: ${err.code ?? err.message}`));
  // Every byte in either direction passes through the client socket, so its timer sees all activity.
  if (idleMs > 0) {
    client.setTimeout(idleMs);
    client.on('timeout', () => cutBoth('idle timeout'));
  }
  client.setKeepAlive(true, 60_000);
  node.setKeepAlive(true, 60_000);
  client.pipe(node);
  node.pipe(client);
  return { cut: cutBoth };
}
