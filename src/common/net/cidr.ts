import { isIP } from 'node:net';

/**
 * IP addresses and CIDR blocks (IPv4 and IPv6), compiled once at start-up into 128-bit masks so that
 * matching is a few integer comparisons. IPv4 is held in its IPv4-mapped IPv6 form (::ffff:a.b.c.d):
 * a socket on a dual-stack listener reports "::ffff:10.0.0.5" for an IPv4 client, and with one form
 * for both "10.0.0.0/8" matches it and "10.0.0.5" alike, with no special case at match time.
 */

/** Four 32-bit words, most significant first. */
type Words = [number, number, number, number];

export interface CidrBlock {
  /** The block as written in the configuration, for messages. */
  text: string;
  network: Words;
  mask: Words;
}

const MAPPED_PREFIX = 96; // ::ffff:0:0/96

function parseIPv4(text: string): number {
  const p = text.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** Only called on text that net.isIP() accepted as IPv6 (zone id already removed). */
function parseIPv6(text: string): Words {
  const hextets: number[] = [];
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const read = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const v4 = parseIPv4(group);
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        out.push(parseInt(group, 16));
      }
    }
    return out;
  };
  const left = read(head);
  const right = tail === undefined ? [] : read(tail);
  hextets.push(...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right);
  return [0, 1, 2, 3].map((i) => ((hextets[2 * i] << 16) | hextets[2 * i + 1]) >>> 0) as Words;
}

/** An address as four words (IPv4 mapped into IPv6), or null when `text` is not an IP address. */
export function addressWords(text: string): Words | null {
  const zone = text.indexOf('%'); // fe80::1%eth0: the zone names an interface, not part of the address
  const bare = zone < 0 ? text : text.slice(0, zone);
  switch (isIP(bare)) {
    case 4:
      return [0, 0, 0xffff, parseIPv4(bare)];
    case 6:
      return parseIPv6(bare);
    default:
      return null;
  }
}

function maskWords(bits: number): Words {
  return [0, 1, 2, 3].map((i) => {
    const n = Math.max(0, Math.min(32, bits - 32 * i));
    return n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  }) as Words;
}

/**
 * "10.0.0.0/8", "2001:db8::/32", "::ffff:10.0.0.0/104" or a single address. Returns an error message
 * for anything else, including host bits set past the prefix ("10.0.0.1/8"): that is usually a typo
 * for a single host or a different block, and silently widening it would trust more than intended.
 */
export function parseCidr(text: string): CidrBlock | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  if (addr.includes('%')) return `"${text}": a zone id (%…) does not belong in an address block`;
  const words = addressWords(addr);
  if (!words) return `"${text}": not an IPv4 or IPv6 address or CIDR block`;
  const v4 = isIP(addr) === 4;
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return `"${text}": the prefix length must be a number from 0 to ${max}`;
    bits = Number(p);
  }
  const mask = maskWords(v4 ? MAPPED_PREFIX + bits : bits);
  for (let i = 0; i < 4; i++) {
    if ((words[i] & mask[i]) >>> 0 !== words[i]) return `"${text}": bits are set past the /${bits} prefix (a single address has no prefix, or /${max})`;
  }
  return { text, network: words, mask };
}

/** Matches addresses against a fixed list of blocks. */
export class CidrMatcher {
  constructor(private readonly blocks: readonly CidrBlock[]) {}

  /** Throws on the first invalid entry; configuration validation reports them with their key first. */
  static compile(entries: readonly string[]): CidrMatcher {
    return new CidrMatcher(
      entries.map((e) => {
        const block = parseCidr(e);
        if (typeof block === 'string') throw new Error(block);
        return block;
      }),
    );
  }

  get size(): number {
    return this.blocks.length;
  }

  /** False for anything that is not an address (a destroyed socket's undefined remoteAddress). */
  matches(address: string | undefined): boolean {
    if (!address) return false;
    const a = addressWords(address);
    if (!a) return false;
    for (const b of this.blocks) {
      const n = b.network;
      const m = b.mask;
      if ((a[0] & m[0]) >>> 0 === n[0] && (a[1] & m[1]) >>> 0 === n[1] && (a[2] & m[2]) >>> 0 === n[2] && (a[3] & m[3]) >>> 0 === n[3]) return true;
    }
    return false;
  }
}
