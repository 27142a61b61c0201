import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyStatus } from './status';
import { renderStatusPage } from './status-page';

/** Where the listener gets its answers: this process, or (with workers) every worker combined. */
export interface ObservabilitySource {
  metrics(): Promise<{ contentType: string; text: string }>;
  status(): Promise<ProxyStatus>;
}

/**
 * The metrics listener (CHP's --metrics-port): Prometheus /metrics, the JSON status API
 * /api/status, the human status page /status, and /healthz. Bind it to a private address.
 */
export function observabilityHandler(source: ObservabilitySource) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('Method not supported: this server only answers GET');
      return;
    }
    const failed = (what: string) => (err: Error) => {
      if (res.headersSent) return;
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${what} failed: ${err.message}`);
    };
    if (path === '/metrics') {
      source.metrics().then(({ contentType, text }) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(text);
      }, failed('metrics collection'));
      return;
    }
    if (path === '/api/status') {
      source.status().then((status) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(status));
      }, failed('status collection'));
      return;
    }
    if (path === '/status' || path === '/') {
      source.status().then((status) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(renderStatusPage(status));
      }, failed('status collection'));
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"OK"}');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end(`No page ${path} here: try /status, /api/status or /metrics`);
  };
}
