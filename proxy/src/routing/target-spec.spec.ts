import { parseTargetSpec } from './target-spec';

describe('parseTargetSpec', () => {
  it('accepts http and https URLs, with a base path', () => {
    expect(parseTargetSpec('http://127.0.0.1:8888')).toMatchObject({ kind: 'url' });
    expect(parseTargetSpec('https://[::1]:8443/base')).toMatchObject({ kind: 'url' });
  });

  it('accepts pool:NAME', () => {
    expect(parseTargetSpec('pool:gateway')).toEqual({ kind: 'pool', pool: 'gateway' });
  });

  it.each([
    ['127.0.0.1:8888', 'is not a URL'],
    ['ws://127.0.0.1:1', 'only http and https'],
    ['http://user:pw@host', 'credentials'],
    ['http://host/?q=1', 'query or fragment'],
    ['pool:bad name', 'not a pool name'],
    ['http://h/' + 'x'.repeat(2100), 'longer than 2048'],
  ])('rejects %s, saying it %s', (text, message) => {
    const spec = parseTargetSpec(text);
    expect('error' in spec && spec.error).toContain(message);
  });
});
