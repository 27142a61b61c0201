/**
 * How route keys and request paths are normalised before they meet the trie. Route keys follow
 * configurable-http-proxy: a leading "/" is added and one trailing "/" is dropped, and the API path
 * is percent-decoded, so "/user/f%C3%BCr@x~y" and "/user/für@x~y" name the same route.
 */
export function cleanRoutePath(path: string): string {
  let p = path.length === 0 || path[0] !== '/' ? '/' + path : path;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/**
 * The trie key of a route. With host routing the first segment is a host name, which is compared
 * without regard to case, as DNS does.
 */
export function routeTrieKey(path: string, hostRouting: boolean): string {
  if (!hostRouting || path === '/') return path;
  const slash = path.indexOf('/', 1);
  return slash < 0 ? path.toLowerCase() : path.slice(0, slash).toLowerCase() + path.slice(slash);
}

/** The first segment of a host-routed route key: what CHP stores as the route's `host`. */
export function routeHost(path: string): string {
  const slash = path.indexOf('/', 1);
  return slash < 0 ? path.slice(1) : path.slice(1, slash);
}

/**
 * The decoded path a request is routed by, or null when the request target is malformed (bad
 * percent-encoding, not origin- or absolute-form). With host routing the Host header (without port)
 * becomes the first segment.
 */
export function requestRoutingPath(url: string, host: string | undefined, hostRouting: boolean): string | null {
  let path: string;
  if (url.charCodeAt(0) === 47 /* / */) {
    const q = url.indexOf('?');
    path = q < 0 ? url : url.slice(0, q);
  } else if (url === '*') {
    path = '/';
  } else {
    try {
      path = new URL(url).pathname; // absolute-form, as sent to proxies
    } catch {
      return null;
    }
  }
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  if (!hostRouting) return path;
  return '/' + hostWithoutPort(host ?? '').toLowerCase() + path;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close < 0 ? host : host.slice(0, close + 1);
  }
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
