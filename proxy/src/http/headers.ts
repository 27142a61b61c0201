import type { IncomingMessage } from 'node:http';
import { acceptableRequestId, newRequestId } from './request-id';

/**
 * Header rewriting between client and upstream. Headers travel as flat [name, value, …] arrays
 * (Node's rawHeaders form): duplicates survive and no header object is built on the hot path.
 */

/** Hop-by-hop headers (RFC 9110 §7.6.1) and their legacy relatives: they describe one connection, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Names a peer may list in Connection (RFC 9110 §7.6.1) without effect: the headers this proxy sets or
 * decides on itself. Dropping them on request would let a client remove the proxy's X-Forwarded-For
 * or request id, or strip the framing (Content-Length, Transfer-Encoding) of a request whose body is
 * still forwarded, which an upstream would then read as the start of another request (smuggling).
 */
const PROXY_OWNED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
  'x-request-id',
]);

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
  /**
   * The TCP peer is one of proxy.http.trustedProxies: its X-Forwarded-*, Forwarded and X-Real-IP
   * describe the real client and are kept (X-Forwarded-For appended to). From any other peer they
   * are forgeries as far as anyone downstream can tell, and are dropped.
   */
  trustedPeer: boolean;
}

const NONE: string[] = [];

/** Tokens of a Connection header naming headers to drop, without those the proxy owns. */
function extraConnectionTokens(value: string): string[] {
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Upgrade' || value === 'upgrade') return NONE;
  let out = NONE;
  for (const token of value.split(',')) {
    const t = token.trim().toLowerCase();
    if (t && t !== 'close' && t !== 'keep-alive' && !PROXY_OWNED.has(t)) {
      if (out === NONE) out = [];
      out.push(t);
    }
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

/**
 * The request head sent upstream. Order matters for safety: the client's headers are filtered first
 * (hop-by-hop, Connection-named, untrusted forwarding claims), and only then does the proxy add its
 * own, so nothing the client sends can remove or replace them.
 */
export function buildRequestHead(req: IncomingMessage, info: ForwardedInfo): RequestHead {
  const raw = req.rawHeaders;
  const trusted = info.trustedPeer;
  let out: string[] = [];
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
        if (!trusted) continue; // replaced by the peer address below (or dropped without xForward)
        if (info.xForward) {
          xff = xff === undefined ? value : `${xff}, ${value}`;
          continue;
        }
        break;
      case 'x-forwarded-host':
        if (!trusted) continue;
        xfHost = true;
        break;
      case 'x-forwarded-proto':
        if (!trusted) continue;
        xfProto = true;
        break;
      case 'x-forwarded-port':
        if (!trusted) continue;
        xfPort = true;
        break;
      case 'forwarded':
      case 'x-real-ip':
        // Not generated here, but read by some upstreams as the client's address: same rule.
        if (!trusted) continue;
        break;
      case 'x-request-id':
        if (acceptableRequestId(value)) requestId = value;
        continue;
      default:
        if (HOP_BY_HOP.has(lower)) continue;
    }
    out.push(name, value);
  }
  if (connection !== undefined) {
    const extra = extraConnectionTokens(connection);
    if (extra.length) out = dropNamed(out, extra);
  }
  if (info.xForward) {
    const client = req.socket.remoteAddress ?? '';
    // From an untrusted peer xff is undefined here: X-Forwarded-For is reset to the peer address, not
    // appended to. Readers differ (the leftmost entry, or the rightmost untrusted one), and with an
    // appended forgery the leftmost reader would take the client's word; a reset chain reads the same
    // either way. This is the hardened nginx/HAProxy edge setup: append to a chain only from trusted
    // hops, start a new one otherwise.
    out.push('X-Forwarded-For', xff === undefined ? client : `${xff}, ${client}`);
    // A trusted front that terminated TLS already said what the client used; keep its word.
    if (!xfProto) out.push('X-Forwarded-Proto', info.proto);
    if (!xfHost && host !== undefined) out.push('X-Forwarded-Host', host);
    if (!xfPort) out.push('X-Forwarded-Port', String(req.socket.localPort ?? ''));
  }
  requestId ??= newRequestId();
  out.push('X-Request-Id', requestId);
  if (info.upgrade && upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  return { headers: out, hasBody, requestId, hasHost: host !== undefined };
}

/**
 * Upstream response headers without hop-by-hop ones and those the upstream named in Connection;
 * `close` asks the client to close (graceful shutdown), added last so no upstream header removes it.
 */
export function filterResponseHeaders(raw: string[], close: boolean): string[] {
  let out: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    if (lower === 'connection') connection = connection === undefined ? raw[i + 1] : `${connection}, ${raw[i + 1]}`;
    if (HOP_BY_HOP.has(lower)) continue;
    out.push(name, raw[i + 1]);
  }
  if (connection !== undefined) {
    const extra = extraConnectionTokens(connection);
    if (extra.length) out = dropNamed(out, extra);
  }
  if (close) out.push('Connection', 'close');
  return out;
}

/** Response headers of a websocket handshake (101): everything the upstream sent, Connection and Upgrade included. */
export function handshakeHeaders(raw: string[]): string {
  let head = '';
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head;
}
