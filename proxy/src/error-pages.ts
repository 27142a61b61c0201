import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/**
 * Error responses of the proxy itself (no route, upstream down, …). Like configurable-http-proxy,
 * the page can come from an error target (GET <target>/<code>?url=<path>, which is how JupyterHub
 * renders them) or a directory of <code>.html / error.html files; otherwise a built-in page that
 * says what went wrong. Never a stack trace.
 */
export interface ProxyError {
  status: number;
  /** One or two sentences for the person who made the request. */
  message: string;
  requestId: string;
}

const ERROR_TARGET_TIMEOUT_MS = 5000;
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function builtInPage(e: ProxyError): string {
  const title = `${e.status} ${http.STATUS_CODES[e.status] ?? 'Error'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}small{color:#666}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(e.message)}</p>
<hr><small>hpcg-proxy · request id ${escapeHtml(e.requestId)}</small>
</body></html>
`;
}

function wantsJson(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export class ErrorPages {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly secureAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    private readonly errorTarget: string | null,
    private readonly errorPath: string | null,
    private readonly log: Logger,
  ) {}

  send(req: http.IncomingMessage, res: http.ServerResponse, e: ProxyError): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (this.errorTarget) this.fromTarget(req, res, e);
    else if (this.errorPath) void this.fromDirectory(req, res, e);
    else this.builtIn(req, res, e);
  }

  builtIn(req: http.IncomingMessage, res: http.ServerResponse, e: ProxyError): void {
    if (res.headersSent || res.destroyed) return;
    const json = wantsJson(req);
    const body = json ? JSON.stringify({ status: e.status, message: e.message, request_id: e.requestId }) : builtInPage(e);
    res.writeHead(e.status, {
      'Content-Type': json ? 'application/json' : 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'X-Request-Id': e.requestId,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** An error on a websocket upgrade: there is no ServerResponse, only the raw socket. */
  sendToSocket(socket: Socket, e: ProxyError): void {
    if (socket.destroyed) return;
    const body = `${e.status} ${http.STATUS_CODES[e.status] ?? 'Error'}: ${e.message} (request id ${e.requestId})\n`;
    socket.end(
      `HTTP/1.1 ${e.status} ${http.STATUS_CODES[e.status] ?? 'Error'}\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${e.requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  private fromTarget(req: http.IncomingMessage, res: http.ServerResponse, e: ProxyError): void {
    const url = new URL(this.errorTarget!.endsWith('/') ? this.errorTarget! : this.errorTarget + '/');
    url.pathname += String(e.status);
    url.searchParams.set('url', req.url ?? '/');
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    const errorReq = request(url, { method: 'GET', agent: secure ? this.secureAgent : this.agent, timeout: ERROR_TARGET_TIMEOUT_MS });
    errorReq.on('response', (upstream) => {
      if (res.headersSent || res.destroyed) {
        upstream.resume();
        return;
      }
      const headers: http.OutgoingHttpHeaders = { 'Cache-Control': 'no-store', 'X-Request-Id': e.requestId };
      for (const key of ['content-type', 'content-encoding']) {
        if (upstream.headers[key]) headers[key] = upstream.headers[key];
      }
      res.writeHead(e.status, headers);
      let seen = 0;
      upstream.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_ERROR_BODY_BYTES) {
          upstream.destroy();
          res.end();
          return;
        }
        res.write(chunk);
      });
      upstream.on('end', () => res.end());
      upstream.on('error', () => res.destroy());
    });
    errorReq.on('timeout', () => errorReq.destroy(new Error(`no answer within ${ERROR_TARGET_TIMEOUT_MS}ms`)));
    errorReq.on('error', (err) => {
      this.log.warn({ requestId: e.requestId, errorTarget: this.errorTarget, err: err.message }, 'error target failed; using the built-in error page');
      this.builtIn(req, res, e);
    });
    errorReq.end();
  }

  private async fromDirectory(req: http.IncomingMessage, res: http.ServerResponse, e: ProxyError): Promise<void> {
    let page: Buffer | null = null;
    for (const name of [`${e.status}.html`, 'error.html']) {
      try {
        page = await readFile(join(this.errorPath!, name));
        break;
      } catch {
        // try the next name
      }
    }
    if (!page) {
      this.log.warn({ requestId: e.requestId, errorPath: this.errorPath, status: e.status }, 'no error page file; using the built-in error page');
      this.builtIn(req, res, e);
      return;
    }
    if (res.headersSent || res.destroyed) return;
    res.writeHead(e.status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length, 'Cache-Control': 'no-store', 'X-Request-Id': e.requestId });
    res.end(req.method === 'HEAD' ? undefined : page);
  }

  close(): void {
    this.agent.destroy();
    this.secureAgent.destroy();
  }
}
