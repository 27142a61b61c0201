import type { Socket } from 'node:net';
import { TrustedPeers } from './trusted-peer';

/** A socket-shaped object whose remoteAddress reads are counted. */
function socket(address: string | undefined): { socket: Socket; reads: () => number } {
  let reads = 0;
  const s = {
    get remoteAddress() {
      reads++;
      return address;
    },
  };
  return { socket: s as unknown as Socket, reads: () => reads };
}

describe('TrustedPeers', () => {
  it('trusts no peer by default, without looking at the socket', () => {
    const s = socket('127.0.0.1');
    expect(new TrustedPeers([]).has(s.socket)).toBe(false);
    expect(s.reads()).toBe(0);
  });

  it('answers from the configured blocks once per socket', () => {
    const peers = new TrustedPeers(['127.0.0.1/32', '2001:db8::/32']);
    const local = socket('::ffff:127.0.0.1');
    const other = socket('198.51.100.1');
    for (let i = 0; i < 3; i++) {
      expect(peers.has(local.socket)).toBe(true);
      expect(peers.has(other.socket)).toBe(false);
    }
    const afterFirst = local.reads();
    peers.has(local.socket);
    expect(local.reads()).toBe(afterFirst);
  });

  it('does not remember an answer for a socket without an address (destroyed)', () => {
    const peers = new TrustedPeers(['127.0.0.1/32']);
    const gone = socket(undefined);
    expect(peers.has(gone.socket)).toBe(false);
    expect(peers.has(gone.socket)).toBe(false);
    expect(gone.reads()).toBeGreaterThan(2);
  });
});
