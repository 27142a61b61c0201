import { addressBlock, addressMatcher, canonicalAddress, clientAddress } from './client-address';

describe('canonicalAddress', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:0a01:0203', '10.1.2.3'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::1%eth0', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['fe80::', 'fe80::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
  ])('%s is %s', (text, canonical) => expect(canonicalAddress(text)).toBe(canonical));

  it.each(['', 'unknown', '10.1.2', '10.1.2.256', '1.2.3.4:80', 'example.org', '::g', '1:2:3:4:5:6:7:8:9'])('%j is not an address', (text) => {
    expect(canonicalAddress(text)).toBeNull();
  });
});

describe('addressMatcher', () => {
  const m = addressMatcher(['127.0.0.1/32', '10.0.0.0/8', 'fd00::/8', '::1', '::ffff:192.168.0.0/112']);

  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['127.0.0.2', false],
    ['10.255.0.1', true],
    ['11.0.0.1', false],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['::1', true],
    ['::2', false],
    ['192.168.7.9', true],
    ['192.169.0.1', false],
    ['not-an-address', false],
  ])('%s trusted: %s', (address, expected) => expect(m(address)).toBe(expected));

  it('a /0 trusts its whole family only; an empty list trusts nobody', () => {
    expect(addressMatcher(['0.0.0.0/0'])('203.0.113.1')).toBe(true);
    expect(addressMatcher(['0.0.0.0/0'])('2001:db8::1')).toBe(false);
    expect(addressMatcher([])('127.0.0.1')).toBe(false);
  });

  it('refuses an entry that is not an address', () => {
    expect(() => addressMatcher(['10.0.0.0/8', 'proxy.example'])).toThrow(/"proxy.example": not an IPv4 or IPv6 address or CIDR block/);
  });
});

describe('clientAddress', () => {
  const trusted = addressMatcher(['127.0.0.1/32', '10.0.0.0/8', 'fd00::/8']);

  it('an untrusted peer is the client, whatever it forwards', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', trusted)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', '10.0.0.1', trusted)).toBe('203.0.113.7');
    expect(clientAddress('2001:db8::7', ['198.51.100.1', '198.51.100.2'], trusted)).toBe('2001:db8::7');
  });

  it('a trusted peer without X-Forwarded-For is the client', () => {
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
  });

  it('behind trusted proxies: the right-most entry that is not trusted; entries left of it are the client\'s own words', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:127.0.0.1', '6.6.6.6, 198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.2.3.4', trusted)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', ['6.6.6.6', '198.51.100.1, 10.2.3.4'], trusted)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '2001:DB8::0:9, fd00::1', trusted)).toBe('2001:db8::9');
    expect(clientAddress('127.0.0.1', '::ffff:198.51.100.1', trusted)).toBe('198.51.100.1');
  });

  it('ports and brackets some proxies write are stripped', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.1:4711', trusted)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '[2001:db8::9]:4711', trusted)).toBe('2001:db8::9');
    expect(clientAddress('127.0.0.1', '[2001:db8::9]', trusted)).toBe('2001:db8::9');
  });

  it('when every hop is trusted, the left-most', () => {
    expect(clientAddress('127.0.0.1', '10.9.9.9, 10.1.1.1', trusted)).toBe('10.9.9.9');
  });

  it('an entry that is not an address stops the walk at the hop that handed it over', () => {
    expect(clientAddress('127.0.0.1', 'unknown', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '198.51.100.1, garbage, 10.1.1.1', trusted)).toBe('10.1.1.1');
    expect(clientAddress('127.0.0.1', '', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '198.51.100.1,', trusted)).toBe('127.0.0.1');
  });

  it('looks at no more than 32 hops of an attacker-sized header', () => {
    const chain = [...Array(40)].map((_, i) => `10.0.0.${i + 1}`);
    expect(clientAddress('127.0.0.1', ['198.51.100.1', ...chain].join(', '), trusted)).toBe('10.0.0.9');
  });

  it('no peer (a closed socket) is "unknown"', () => {
    expect(clientAddress(undefined, '198.51.100.1', trusted)).toBe('unknown');
  });
});

describe('addressBlock', () => {
  it('IPv4 is itself, IPv6 its /64, anything else unchanged', () => {
    expect(addressBlock('198.51.100.1')).toBe('198.51.100.1');
    expect(addressBlock('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(addressBlock('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8:1:2::9')).toBe(addressBlock('2001:db8:1:2:ffff::1'));
    expect(addressBlock('2001:db8:1:3::9')).not.toBe(addressBlock('2001:db8:1:2::9'));
    expect(addressBlock('unknown')).toBe('unknown');
  });
});
