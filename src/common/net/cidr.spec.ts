import { CidrMatcher, addressWords, parseCidr } from './cidr';

describe('parseCidr', () => {
  it('accepts IPv4 and IPv6 blocks and single addresses', () => {
    for (const text of ['10.0.0.0/8', '192.0.2.7', '192.0.2.7/32', '0.0.0.0/0', '2001:db8::/32', '::1', '::/0', 'fe80::/10', '::ffff:10.0.0.0/104']) {
      expect(parseCidr(text)).toMatchObject({ text });
    }
  });

  it('refuses anything else with a message naming the entry', () => {
    expect(parseCidr('10.0.0.1/8')).toBe('"10.0.0.1/8": bits are set past the /8 prefix (a single address has no prefix, or /32)');
    expect(parseCidr('2001:db8::1/32')).toContain('bits are set past the /32 prefix');
    expect(parseCidr('10.0.0.0/33')).toContain('from 0 to 32');
    expect(parseCidr('10.0.0.0/')).toContain('from 0 to 32');
    expect(parseCidr('10.0.0.0/+8')).toContain('from 0 to 32');
    expect(parseCidr('::/129')).toContain('from 0 to 128');
    expect(parseCidr('010.0.0.1')).toContain('not an IPv4 or IPv6 address');
    expect(parseCidr('10.0.0')).toContain('not an IPv4 or IPv6 address');
    expect(parseCidr('proxy.example.org')).toContain('not an IPv4 or IPv6 address');
    expect(parseCidr('')).toContain('not an IPv4 or IPv6 address');
    expect(parseCidr('fe80::1%eth0')).toContain('zone id');
  });
});

describe('addressWords', () => {
  it('reads IPv4 in its IPv4-mapped form, and IPv6 with ::, embedded IPv4 and zone ids', () => {
    expect(addressWords('10.1.2.3')).toEqual([0, 0, 0xffff, 0x0a010203]);
    expect(addressWords('::ffff:10.1.2.3')).toEqual([0, 0, 0xffff, 0x0a010203]);
    expect(addressWords('::ffff:a01:203')).toEqual([0, 0, 0xffff, 0x0a010203]);
    expect(addressWords('2001:db8::8:800:200c:417a')).toEqual([0x20010db8, 0, 0x00080800, 0x200c417a]);
    expect(addressWords('1:2:3:4:5:6:7:8')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x00070008]);
    expect(addressWords('ffff::')).toEqual([0xffff0000, 0, 0, 0]);
    expect(addressWords('::')).toEqual([0, 0, 0, 0]);
    expect(addressWords('fe80::1%eth0')).toEqual([0xfe800000, 0, 0, 1]);
    expect(addressWords('not-an-ip')).toBeNull();
  });
});

describe('CidrMatcher', () => {
  const m = CidrMatcher.compile(['10.0.0.0/8', '192.0.2.7', '2001:db8:aa::/48', 'fe80::/10']);

  it.each([
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['9.255.255.255', false],
    ['::ffff:10.20.30.40', true], // an IPv4 client on a dual-stack listener
    ['::ffff:11.0.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['::ffff:192.0.2.7', true],
    ['2001:db8:aa:1::5', true],
    ['2001:db8:ab::5', false],
    ['2001:db8:aa::', true],
    ['fe80::1%eth0', true],
    ['febf:ffff::1', true],
    ['fec0::1', false],
    ['::a00:1', false], // an IPv4-compatible (not mapped) address is not 10.0.0.1
    ['127.0.0.1', false],
    ['::1', false],
    ['garbage', false],
    [undefined, false],
  ])('%s matches: %s', (address, expected) => {
    expect(m.matches(address)).toBe(expected);
  });

  it('treats /0 blocks as "every address of that family"', () => {
    const v4 = CidrMatcher.compile(['0.0.0.0/0']);
    expect([v4.matches('203.0.113.1'), v4.matches('::ffff:203.0.113.1'), v4.matches('2001:db8::1')]).toEqual([true, true, false]);
    const all = CidrMatcher.compile(['::/0']);
    expect([all.matches('203.0.113.1'), all.matches('2001:db8::1')]).toEqual([true, true]);
  });

  it('matches an IPv4 block written in IPv4-mapped form like the IPv4 one', () => {
    const mapped = CidrMatcher.compile(['::ffff:127.0.0.0/104']);
    expect([mapped.matches('127.0.0.1'), mapped.matches('::ffff:127.9.9.9'), mapped.matches('128.0.0.1')]).toEqual([true, true, false]);
  });

  it('refuses to compile an invalid entry', () => {
    expect(() => CidrMatcher.compile(['10.0.0.0/8', 'nope'])).toThrow('"nope": not an IPv4 or IPv6 address');
  });
});
