/**
 * What a route points at, as written in the configuration or POSTed to the route API:
 * an upstream URL ("http://10.0.0.5:8888", CHP's form) or a named pool ("pool:gateway").
 */
export type TargetSpec = { kind: 'url'; url: URL } | { kind: 'pool'; pool: string };

export const POOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const TARGET_HINT = 'an http:// or https:// URL (like http://127.0.0.1:8888) or pool:NAME';

/** A parsed target, or a sentence saying what is wrong with it. */
export function parseTargetSpec(text: string): TargetSpec | { error: string } {
  if (text.length > 2048) return { error: `target is longer than 2048 characters; expected ${TARGET_HINT}` };
  if (text.startsWith('pool:')) {
    const pool = text.slice(5);
    if (!POOL_NAME.test(pool)) return { error: `"${text}" is not a pool name (letters, digits, ".", "-", "_"; 1-64)` };
    return { kind: 'pool', pool };
  }
  const url = parseUpstreamUrl(text);
  return typeof url === 'string' ? { error: url } : { kind: 'url', url };
}

/** An upstream base URL: http or https, a host, no credentials, no query or fragment. */
export function parseUpstreamUrl(text: string): URL | string {
  let url: URL;
  try {
    // "localhost:8081" parses as a URL with scheme "localhost:"; without "://" it is not what was meant.
    if (!text.includes('://')) throw new Error('no scheme');
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL; expected ${TARGET_HINT}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `"${text}" uses ${url.protocol.slice(0, -1)}; only http and https upstreams are supported`;
  }
  if (!url.hostname) return `"${text}" has no host`;
  if (url.username || url.password) return `"${text}" contains credentials; upstream URLs may not carry a user or password`;
  if (url.search || url.hash) return `"${text}" has a query or fragment; an upstream URL is scheme://host[:port][/base-path]`;
  return url;
}
