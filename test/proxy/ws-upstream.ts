import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface WsUpstream {
  name: string;
  url: string;
  /** The upgrade requests it accepted. */
  upgrades: http.IncomingMessage[];
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

/** A real websocket server that echoes every message prefixed with its name ("a: hello"). */
export async function startWsUpstream(name: string, options: { reject?: number } = {}): Promise<WsUpstream> {
  const server = http.createServer((req, res) => {
    const healthy = req.url === '/healthz';
    res.writeHead(healthy ? 200 : 426, { 'Content-Type': 'text/plain' });
    res.end(healthy ? 'ok' : 'upgrade required');
  });
  const upgrades: http.IncomingMessage[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (options.reject) {
      socket.end(`HTTP/1.1 ${options.reject} ${http.STATUS_CODES[options.reject]}\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrefused`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrades.push(req);
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) ws.send(Buffer.concat([Buffer.from(`${name}: `), data as Buffer]), { binary: true });
        else ws.send(`${name}: ${String(data)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upgrades,
    sockets,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Opens a websocket and waits for it to be open; rejects with the HTTP status when the upgrade is refused. */
export function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
  });
}

export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })));
}
