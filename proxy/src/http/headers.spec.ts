import type { IncomingMessage } from 'node:http';
import { buildRequestHead, filterResponseHeaders } from './headers';

function req(rawHeaders: string[]): IncomingMessage {
  return { rawHeaders, socket: { remoteAddress: '10.1.2.3', localPort: 8000 } } as unknown as IncomingMessage;
}

const pairs = (h: string[]) => Array.from({ length: h.length / 2 }, (_, i) => `${h[2 * i]}: ${h[2 * i + 1]}`);

describe('buildRequestHead', () => {
  it('drops hop-by-hop headers and those named in Connection, keeps the rest in order, adds X-Forwarded-*', () => {
    const head = buildRequestHead(
      req(['Host', 'hub.example', 'Connection', 'keep-alive, X-Hop', 'X-Hop', '1', 'Keep-Alive', 't=5', 'Cookie', 'a=1', 'Cookie', 'b=2', 'Expect', '100-continue', 'Upgrade', 'h2c']),
      { xForward: true, proto: 'http', upgrade: false, trustedPeer: false },
    );
    expect(pairs(head.headers)).toEqual([
      'Host: hub.example',
      'Cookie: a=1',
      'Cookie: b=2',
      'X-Forwarded-For: 10.1.2.3',
      'X-Forwarded-Proto: http',
      'X-Forwarded-Host: hub.example',
      'X-Forwarded-Port: 8000',
      `X-Request-Id: ${head.requestId}`,
    ]);
    expect([head.hasBody, head.hasHost]).toEqual([false, true]);
  });

  it('from a trusted peer, appends to X-Forwarded-For and keeps the front proxy’s proto, host and port', () => {
    const head = buildRequestHead(
      req(['X-Forwarded-For', '1.1.1.1', 'X-Forwarded-For', '2.2.2.2', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'site', 'X-Forwarded-Port', '443']),
      { xForward: true, proto: 'http', upgrade: false, trustedPeer: true },
    );
    expect(pairs(head.headers).filter((h) => h.startsWith('X-Forwarded'))).toEqual([
      'X-Forwarded-Proto: https',
      'X-Forwarded-Host: site',
      'X-Forwarded-Port: 443',
      'X-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.1.2.3',
    ]);
    expect(head.hasHost).toBe(false);
  });

  it('detects bodies and keeps chunked framing', () => {
    expect(buildRequestHead(req(['Content-Length', '0']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false }).hasBody).toBe(false);
    expect(buildRequestHead(req(['Content-Length', '12']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false }).hasBody).toBe(true);
    const chunked = buildRequestHead(req(['Transfer-Encoding', 'chunked']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false });
    expect(chunked.hasBody).toBe(true);
    expect(pairs(chunked.headers)).toContain('Transfer-Encoding: chunked');
  });

  it('keeps Connection: Upgrade and Upgrade for websocket handshakes', () => {
    const head = buildRequestHead(req(['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k']), { xForward: false, proto: 'http', upgrade: true, trustedPeer: false });
    expect(pairs(head.headers)).toEqual(['Sec-WebSocket-Key: k', `X-Request-Id: ${head.requestId}`, 'Connection: Upgrade', 'Upgrade: websocket']);
  });

  it('keeps a sane client request id and replaces a hostile one', () => {
    expect(buildRequestHead(req(['X-Request-Id', 'abc-1']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false }).requestId).toBe('abc-1');
    expect(buildRequestHead(req(['X-Request-Id', 'a b\u0000']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false }).requestId).not.toContain(' ');
  });
});

describe('buildRequestHead against a hostile client', () => {
  const forged = ['X-Forwarded-For', '6.6.6.6', 'X-Forwarded-Host', 'evil.example', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '443', 'Forwarded', 'for=6.6.6.6;proto=https', 'X-Real-IP', '6.6.6.6'];
  const forwarding = (h: string[]) => pairs(h).filter((p) => /^(x-forwarded|forwarded|x-real-ip|x-request-id)/i.test(p));

  it('from an untrusted peer, drops forged forwarding headers and writes the proxy’s own (X-Forwarded-For reset, not appended)', () => {
    const head = buildRequestHead(req(['Host', 'hub.example', ...forged, 'X-Request-Id', 'mine']), { xForward: true, proto: 'http', upgrade: false, trustedPeer: false });
    expect(forwarding(head.headers)).toEqual(['X-Forwarded-For: 10.1.2.3', 'X-Forwarded-Proto: http', 'X-Forwarded-Host: hub.example', 'X-Forwarded-Port: 8000', 'X-Request-Id: mine']);
  });

  it('cannot remove or replace the proxy’s headers by naming them in Connection', () => {
    const connection = ['Connection', 'close, X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Port, X-Request-Id, X-Real-IP, Forwarded, X-Hop'];
    for (const trustedPeer of [false, true]) {
      const head = buildRequestHead(req(['Host', 'hub.example', ...connection, ...forged, 'X-Hop', '1']), { xForward: true, proto: 'http', upgrade: false, trustedPeer });
      const got = forwarding(head.headers);
      expect(got).toContain(`X-Request-Id: ${head.requestId}`);
      expect(pairs(head.headers)).not.toContain('X-Hop: 1');
      if (trustedPeer) {
        expect(got).toEqual(expect.arrayContaining(['X-Forwarded-For: 6.6.6.6, 10.1.2.3', 'X-Forwarded-Host: evil.example', 'X-Forwarded-Proto: https', 'X-Forwarded-Port: 443', 'Forwarded: for=6.6.6.6;proto=https', 'X-Real-IP: 6.6.6.6']));
        expect(got).toHaveLength(7);
      } else {
        expect(got).toEqual(['X-Forwarded-For: 10.1.2.3', 'X-Forwarded-Proto: http', 'X-Forwarded-Host: hub.example', 'X-Forwarded-Port: 8000', `X-Request-Id: ${head.requestId}`]);
      }
    }
  });

  it('cannot strip the framing or Host of a request through Connection', () => {
    const sized = buildRequestHead(req(['Host', 'h', 'Content-Length', '5', 'Connection', 'Content-Length, Host']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false });
    expect(pairs(sized.headers)).toEqual(['Host: h', 'Content-Length: 5', `X-Request-Id: ${sized.requestId}`]);
    const chunked = buildRequestHead(req(['Transfer-Encoding', 'chunked', 'Connection', 'transfer-encoding']), { xForward: false, proto: 'http', upgrade: false, trustedPeer: false });
    expect(pairs(chunked.headers)).toContain('Transfer-Encoding: chunked');
  });

  it('without xForward, passes forwarding headers only from a trusted peer', () => {
    const info = { xForward: false, proto: 'http' as const, upgrade: false };
    expect(forwarding(buildRequestHead(req(forged), { ...info, trustedPeer: false }).headers)).toEqual([expect.stringMatching(/^X-Request-Id: /)]);
    expect(forwarding(buildRequestHead(req(forged), { ...info, trustedPeer: true }).headers)).toEqual([...pairs(forged), expect.stringMatching(/^X-Request-Id: /)]);
  });
});

describe('filterResponseHeaders', () => {
  it('drops hop-by-hop and Connection-named headers, keeps duplicates, and can ask the client to close', () => {
    const out = filterResponseHeaders(['Set-Cookie', 'a', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'b'], true);
    expect(pairs(out)).toEqual(['Set-Cookie: a', 'Set-Cookie: b', 'Connection: close']);
  });

  it('keeps its own Connection: close and the response framing whatever the upstream lists in Connection', () => {
    const out = filterResponseHeaders(['Content-Length', '2', 'Connection', 'connection, content-length, X-Secret', 'X-Secret', 's'], true);
    expect(pairs(out)).toEqual(['Content-Length: 2', 'Connection: close']);
  });

  it('honours every Connection header of a response, not only the last', () => {
    const out = filterResponseHeaders(['Connection', 'X-One', 'Connection', 'X-Two', 'X-One', '1', 'X-Two', '2', 'X-Three', '3'], false);
    expect(pairs(out)).toEqual(['X-Three: 3']);
  });
});
