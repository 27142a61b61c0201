import { cleanRoutePath, requestRoutingPath, routeHost, routeTrieKey } from './route-path';

describe('cleanRoutePath (CHP rules)', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['user/a', '/user/a'],
    ['/user/a/', '/user/a'],
    ['/user/a//', '/user/a/'],
  ])('%j -> %j', (input, expected) => expect(cleanRoutePath(input)).toBe(expected));
});

describe('requestRoutingPath', () => {
  it('drops the query and decodes percent-escapes', () => {
    expect(requestRoutingPath('/user/j%C3%BCrgen%40x/lab?token=abc', undefined, false)).toBe('/user/jürgen@x/lab');
  });

  it('returns null for malformed escapes', () => {
    expect(requestRoutingPath('/bad%E0%A4%A', undefined, false)).toBeNull();
  });

  it('accepts absolute-form and asterisk-form targets', () => {
    expect(requestRoutingPath('http://example.org/hub/login?x=1', undefined, false)).toBe('/hub/login');
    expect(requestRoutingPath('*', undefined, false)).toBe('/');
  });

  it('puts the lowercased host, without port, first under host routing', () => {
    expect(requestRoutingPath('/lab', 'Alice.Example.org:8443', true)).toBe('/alice.example.org/lab');
    expect(requestRoutingPath('/', '[::1]:8000', true)).toBe('/[::1]/');
    expect(requestRoutingPath('/x', undefined, true)).toBe('//x');
  });
});

describe('route keys under host routing', () => {
  it('lowercases only the host segment', () => {
    expect(routeTrieKey('/Alice.Example.org/User/X', true)).toBe('/alice.example.org/User/X');
    expect(routeTrieKey('/Alice.Example.org/User/X', false)).toBe('/Alice.Example.org/User/X');
    expect(routeTrieKey('/', true)).toBe('/');
  });

  it('names the host segment as CHP stores it', () => {
    expect(routeHost('/alice.example.org/user')).toBe('alice.example.org');
    expect(routeHost('/alice.example.org')).toBe('alice.example.org');
  });
});
