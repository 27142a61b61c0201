import { CidrMatcher, addressWords } from './net/cidr';

/**
 * The client's address as far as the gateway can prove it: the TCP peer, unless the peer is one of the
 * site's trusted proxies (`security.trustedProxies`), in which case X-Forwarded-For is read from the
 * right: each trusted hop vouches for the entry to its left, so the right-most entry that is not a
 * trusted proxy is the client. Entries further left were written by the client and prove nothing.
 * Used by login rate limiting, and meant for the portal and notebooks too: one rule everywhere.
 */

type Words = NonNullable<ReturnType<typeof addressWords>>;

const isMappedV4 = (w: Words) => w[0] === 0 && w[1] === 0 && w[2] === 0xffff;

/** Eight 16-bit groups of an address held as four words. */
const hextets = (w: Words) => w.flatMap((word) => [word >>> 16, word & 0xffff]);

function format(w: Words): string {
  if (isMappedV4(w)) return [24, 16, 8, 0].map((shift) => (w[3] >>> shift) & 0xff).join('.');
  const groups = hextets(w);
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
  const w = addressWords(text.trim());
  return w && format(w);
}

/** Whether an address lies in one of the blocks; built once from `security.trustedProxies`. */
export type AddressMatcher = (address: string) => boolean;

/**
 * A matcher for addresses and CIDR blocks (`10.0.0.0/8`, `::1`, `fd00::/8`, `::ffff:10.0.0.0/104`),
 * the same one hpcg-proxy uses. Throws on an entry that is neither (the site schema has refused those already).
 */
export function addressMatcher(blocks: readonly string[]): AddressMatcher {
  const matcher = CidrMatcher.compile(blocks);
  return (address) => matcher.matches(address);
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
  const w = addressWords(address);
  if (!w) return address;
  if (isMappedV4(w)) return format(w);
  return `${format([w[0], w[1], 0, 0])}/64`;
}
