import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOnly } from '../http/forwarder';
import { newRequestId } from '../http/request-id';
import type { ProxyMetrics } from '../observability/metrics';

/** Counts and logs an API request when its response is sent (one line, with request id and client); returns the request id. */
export function observeApiRequest(req: IncomingMessage, res: ServerResponse, metrics: ProxyMetrics, log: Logger): string {
  const requestId = newRequestId();
  const started = performance.now();
  res.once('finish', () => {
    metrics.countApiRequest(req.method ?? '', res.statusCode);
    const entry = { requestId, client: req.socket.remoteAddress, method: req.method, path: pathOnly(req.url), status: res.statusCode, ms: Math.round(performance.now() - started) };
    if (res.statusCode >= 500) log.error(entry, 'api request');
    else if (res.statusCode >= 400) log.warn(entry, 'api request');
    else log.info(entry, 'api request');
  });
  return requestId;
}

export function send(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message), ...headers });
  res.end(message);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
