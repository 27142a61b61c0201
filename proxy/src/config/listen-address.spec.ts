import { formatListenAddress, parseListenAddress } from './listen-address';

describe('parseListenAddress', () => {
  it.each([
    ['0.0.0.0:8000', { host: '0.0.0.0', port: 8000 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:8001', { host: '::1', port: 8001 }],
    [':8000', { host: '', port: 8000 }],
    ['*:8000', { host: '', port: 8000 }],
    ['8000', { host: '', port: 8000 }],
    ['proxy.internal:80', { host: 'proxy.internal', port: 80 }],
  ])('%s', (text, expected) => expect(parseListenAddress(text)).toEqual(expected));

  it.each(['::1:8000', '127.0.0.1:65536', '127.0.0.1:http', 'host:'])('rejects %s', (text) => {
    expect(parseListenAddress(text)).toBeNull();
  });

  it('brackets IPv6 hosts when formatting', () => {
    expect(formatListenAddress({ host: '::1', port: 1 })).toBe('[::1]:1');
  });
});
