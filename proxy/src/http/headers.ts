import type { IncomingMessage } from 'node:http';
import { acceptableRequestId, newRequestId } from './request-id';

/**
 * Header rewriting between client and upstream. Headers travel as flat [name, value, …] arrays
 * (Node's rawHeaders form): duplicates survive and no header object is built on the hot path.
 */

/** Hop-by-hop headers (RFC 9110 §7.6.1) and their legacy relatives: they describe one connection, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface RequestHead {
  headers: string[];
  /** The request carries a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: boolean;
  requestId: string;
  /** The client sent a Host header (HTTP/1.0 clients may not; the upstream's is added then). */
  hasHost: boolean;
}

export interface ForwardedInfo {
  xForward: boolean;
  /** The scheme clients used to reach this proxy. */
  proto: 'http' | 'https';
  /** For websocket upgrades: keep Connection/Upgrade so the upstream can switch protocols. */
  upgrade: boolean;
}

const NONE: string[] = [];

/** Tokens of a Connection header other than the ones handled by the proxy itself. */
function extraConnectionTokens(value: string): string[] {
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Upgrade' || value === 'upgrade') return NONE;
  const out: string[] = [];
  for (const token of value.split(',')) {
    const t = token.trim().toLowerCase();
    if (t && t !== 'close' && t !== 'keep-alive' && t !== 'upgrade') out.push(t);
  }
  return out;
}

function dropNamed(headers: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!names.includes(headers[i].toLowerCase())) out.push(headers[i], headers[i + 1]);
  }
  return out;
}

export function buildRequestHead(req: IncomingMessage, info: ForwardedInfo): RequestHead {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let hasBody = false;
  let host: string | undefined;
  let xff: string | undefined;
  let xfHost = false;
  let xfProto = false;
  let xfPort = false;
  let requestId: string | undefined;
  let connection: string | undefined;
  let upgrade: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        host = value;
        break;
      case 'content-length':
        if (value !== '0') hasBody = true;
        break;
      case 'transfer-encoding':
        // Node re-frames the body it forwards; keeping the header keeps the framing chunked.
        hasBody = true;
        out.push(name, value);
        continue;
      case 'connection':
        connection = connection === undefined ? value : `${connection}, ${value}`;
        continue;
      case 'upgrade':
        upgrade = value;
        continue;
      case 'expect': // answered by this proxy (Node sends 100 Continue itself)
        continue;
      case 'x-forwarded-for':
        if (info.xForward) {
          xff = xff === undefined ? value : `${xff}, ${value}`;
          continue;
        }
        break;
      case 'x-forwarded-host':
        xfHost = true;
        break;
      case 'x-forwarded-proto':
        xfProto = true;
        break;
      case 'x-forwarded-port':
        xfPort = true;
        break;
      case 'x-request-id':
        if (acceptableRequestId(value)) requestId = value;
        continue;
      default:
        if (HOP_BY_HOP.has(lower)) continue;
    }
    out.push(name, value);
  }
  if (info.xForward) {
    const client = req.socket.remoteAddress ?? '';
    out.push('X-Forwarded-For', xff === undefined ? client : `${xff}, ${client}`);
    // A front that terminated TLS already said what the client used; keep its word.
    if (!xfProto) out.push('X-Forwarded-Proto', info.proto);
    if (!xfHost && host !== undefined) out.push('X-Forwarded-Host', host);
    if (!xfPort) out.push('X-Forwarded-Port', String(req.socket.localPort ?? ''));
  }
  requestId ??= newRequestId();
  out.push('X-Request-Id', requestId);
  if (info.upgrade && upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  const extra = connection === undefined ? NONE : extraConnectionTokens(connection);
  return { headers: extra.length ? dropNamed(out, extra) : out, hasBody, requestId, hasHost: host !== undefined };
}

/** Upstream response headers without hop-by-hop ones; `close` asks the client to close (graceful shutdown). */
export function filterResponseHeaders(raw: string[], close: boolean): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    if (lower === 'connection') connection = raw[i + 1];
    if (HOP_BY_HOP.has(lower)) continue;
    out.push(name, raw[i + 1]);
  }
  if (close) out.push('Connection', 'close');
  const extra = connection === undefined ? NONE : extraConnectionTokens(connection);
  return extra.length ? dropNamed(out, extra) : out;
}

/** Response headers of a websocket handshake (101): everything the upstream sent, Connection and Upgrade included. */
export function handshakeHeaders(raw: string[]): string {
  let head = '';
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head;
}
