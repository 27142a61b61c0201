import type { Socket } from 'node:net';
import { CidrMatcher } from '../../../src/common/net/cidr';

const kTrusted = Symbol('hpcg.trustedPeer');
type PeerSocket = Socket & { [kTrusted]?: boolean };

/**
 * Whether a client connection comes from one of proxy.http.trustedProxies. The answer is computed
 * on a connection's first request and kept on the socket (a keep-alive connection carries many
 * requests, and its peer cannot change), so the hot path pays one property read per request; with
 * no trusted proxies configured (the default) it pays nothing at all.
 */
export class TrustedPeers {
  private readonly matcher: CidrMatcher | null;

  constructor(blocks: readonly string[]) {
    this.matcher = blocks.length ? CidrMatcher.compile(blocks) : null;
  }

  has(socket: Socket): boolean {
    if (this.matcher === null) return false;
    const s = socket as PeerSocket;
    let trusted = s[kTrusted];
    if (trusted === undefined) {
      trusted = this.matcher.matches(socket.remoteAddress);
      // A destroyed socket has no remoteAddress: answer "untrusted" without remembering it.
      if (socket.remoteAddress !== undefined) s[kTrusted] = trusted;
    }
    return trusted;
  }
}
