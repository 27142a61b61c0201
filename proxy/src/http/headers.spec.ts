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
      { xForward: true, proto: 'http', upgrade: false },
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

  it('appends to X-Forwarded-For and keeps a front proxy’s proto, host and port', () => {
    const head = buildRequestHead(
      req(['X-Forwarded-For', '1.1.1.1', 'X-Forwarded-For', '2.2.2.2', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'site', 'X-Forwarded-Port', '443']),
      { xForward: true, proto: 'http', upgrade: false },
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
    expect(buildRequestHead(req(['Content-Length', '0']), { xForward: false, proto: 'http', upgrade: false }).hasBody).toBe(false);
    expect(buildRequestHead(req(['Content-Length', '12']), { xForward: false, proto: 'http', upgrade: false }).hasBody).toBe(true);
    const chunked = buildRequestHead(req(['Transfer-Encoding', 'chunked']), { xForward: false, proto: 'http', upgrade: false });
    expect(chunked.hasBody).toBe(true);
    expect(pairs(chunked.headers)).toContain('Transfer-Encoding: chunked');
  });

  it('keeps Connection: Upgrade and Upgrade for websocket handshakes', () => {
    const head = buildRequestHead(req(['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k']), { xForward: false, proto: 'http', upgrade: true });
    expect(pairs(head.headers)).toEqual(['Sec-WebSocket-Key: k', `X-Request-Id: ${head.requestId}`, 'Connection: Upgrade', 'Upgrade: websocket']);
  });

  it('keeps a sane client request id and replaces a hostile one', () => {
    expect(buildRequestHead(req(['X-Request-Id', 'abc-1']), { xForward: false, proto: 'http', upgrade: false }).requestId).toBe('abc-1');
    expect(buildRequestHead(req(['X-Request-Id', 'a b\u0000']), { xForward: false, proto: 'http', upgrade: false }).requestId).not.toContain(' ');
  });
});

describe('filterResponseHeaders', () => {
  it('drops hop-by-hop and Connection-named headers, keeps duplicates, and can ask the client to close', () => {
    const out = filterResponseHeaders(['Set-Cookie', 'a', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'b'], true);
    expect(pairs(out)).toEqual(['Set-Cookie: a', 'Set-Cookie: b', 'Connection: close']);
  });
});
