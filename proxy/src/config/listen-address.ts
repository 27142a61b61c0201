/** A socket address to listen on, as written in the configuration: "host:port", "[::1]:8001", ":8000". */
export interface ListenAddress {
  /** Empty string = every interface (Node's default). */
  host: string;
  port: number;
}

export const LISTEN_HINT = 'an address like 0.0.0.0:8000, 127.0.0.1:8001, [::1]:8001 or :8000 (port 0-65535)';

export function parseListenAddress(value: string): ListenAddress | null {
  const text = value.trim();
  let host: string;
  let portText: string;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) {
      host = '';
      portText = text;
    } else {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
      if (host.includes(':')) return null; // an IPv6 address must be bracketed
    }
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  if (host === '*') host = ''; // CHP accepts "*" for all interfaces
  return { host, port };
}

export function formatListenAddress(a: ListenAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${host}:${a.port}`;
}
