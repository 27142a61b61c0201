import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client's address as far as the gateway can prove it: the TCP peer, unless the peer is one of the
 * site's trusted proxies (`security.trustedProxies`), in which case X-Forwarded-For is read from the
 * right: each trusted hop vouches for the entry to its left, so the right-most entry that is not a
 * trusted proxy is the client. Entries further left were written by the client and prove nothing.
 * Used by login rate limiting, and meant for the portal and notebooks too: one rule everywhere.
 */

/** An address as a number in its family; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is IPv4. */
interface Parsed {
  v6: boolean;
  value: bigint;
}

function parseV4(text: string): bigint | null {
  if (!isIPv4(text)) return null;
  return text.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function parseV6(text: string): bigint | null {
  if (!isIPv6(text)) return null;
  let s = text.toLowerCase();
  // A dotted IPv4 tail ("::ffff:1.2.3.4") is the last two groups.
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = Number(parseV4(dotted[2]));
    s = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const MAPPED_V4_PREFIX = 0xffffn << 32n;

/** Parses an address (IPv4, IPv6, IPv6 with a `%zone`); IPv4-mapped IPv6 becomes IPv4. Null when not an address. */
function parse(text: string): Parsed | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = parseV6(text.replace(/%[^%]*$/, ''));
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, value: v6 - MAPPED_V4_PREFIX };
  return { v6: true, value: v6 };
}

function format(a: Parsed): string {
  if (!a.v6) return [24n, 16n, 8n, 0n].map((shift) => String((a.value >> shift) & 0xffn)).join('.');
  const groups = [...Array(8)].map((_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (of at least two) of zero groups becomes "::", the first one on a tie.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/**
 * An address in one spelling per address: IPv4 dotted, IPv4-mapped IPv6 as IPv4, IPv6 in RFC 5952 form
 * without a zone. Null when the text is not an address.
 */
export function canonicalAddress(text: string): string | null {
  const a = parse(text.trim());
  return a && format(a);
}

/** Whether an address lies in one of the blocks; built once from `security.trustedProxies`. */
export type AddressMatcher = (address: string) => boolean;

/**
 * A matcher for addresses and CIDR blocks (`10.0.0.0/8`, `::1`, `fd00::/8`, `::ffff:10.0.0.0/104`).
 * Throws on an entry that is neither (the site schema has refused those already).
 */
export function addressMatcher(blocks: readonly string[]): AddressMatcher {
  const compiled = blocks.map((block) => {
    const [addr, bits] = block.split('/');
    const a = parse(addr);
    if (!a) throw new Error(`not an IP address or CIDR block: ${JSON.stringify(block)}`);
    const width = a.v6 ? 128 : 32;
    // A mapped block (::ffff:10.0.0.0/104) counts its prefix in IPv6 bits; as IPv4 it is 32 bits shorter.
    const mapped = !a.v6 && isIPv6(addr.replace(/%[^%]*$/, ''));
    const prefix = bits === undefined ? width : Math.max(0, Number(bits) - (mapped ? 96 : 0));
    const shift = BigInt(width - Math.min(prefix, width));
    return { v6: a.v6, shift, network: a.value >> shift };
  });
  return (address) => {
    const a = parse(address);
    return a !== null && compiled.some((b) => b.v6 === a.v6 && a.value >> b.shift === b.network);
  };
}

/** Hops of X-Forwarded-For looked at, at most: a header is attacker-sized, a real proxy chain is short. */
const MAX_HOPS = 32;

/** One X-Forwarded-For entry as an address: bare, `[v6]`, `[v6]:port` or `v4:port` (some proxies add ports). */
function forwardedEntry(entry: string): string | null {
  const e = entry.trim();
  const bracketed = e.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracketed) return canonicalAddress(bracketed[1]);
  const v4WithPort = e.match(/^(\d+\.\d+\.\d+\.\d+):\d+$/);
  return canonicalAddress(v4WithPort ? v4WithPort[1] : e);
}

/**
 * The client address of a request: the peer, or (when the peer is a trusted proxy) the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy. When every entry is trusted, the left-most
 * one; when an entry is not an address, the hop that handed it over (its writer cannot be trusted
 * further). Returned in canonical form (see canonicalAddress); 'unknown' without a peer.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: AddressMatcher): string {
  let client = peer === undefined ? null : canonicalAddress(peer);
  if (client === null) return 'unknown';
  if (!trusted(client) || forwardedFor === undefined) return client;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = entries.length - 1; i >= Math.max(0, entries.length - MAX_HOPS); i--) {
    const hop = forwardedEntry(entries[i]);
    if (hop === null) return client;
    client = hop;
    if (!trusted(client)) return client;
  }
  return client;
}

/**
 * The block an address is counted under by per-address limits: an IPv4 address itself, an IPv6
 * address's /64 (one host or subscriber commonly holds a whole /64, and could otherwise rotate through
 * it). Not an address: the text itself.
 */
export function addressBlock(address: string): string {
  const a = parse(address);
  if (!a) return address;
  if (!a.v6) return format(a);
  return `${format({ v6: true, value: (a.value >> 64n) << 64n })}/64`;
}
