import { nodeNames, normalizeAddress } from './notebook-node-addresses';

describe('node addresses', () => {
  it('normalizes IPv4-mapped IPv6, zone ids and case', () => {
    expect(normalizeAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(normalizeAddress('::1')).toBe('::1');
  });

  it('reads node lists: plain, comma-separated and Slurm bracket ranges with their zero padding', () => {
    expect(nodeNames(null)).toEqual([]);
    expect(nodeNames('vm')).toEqual(['vm']);
    expect(nodeNames('a,b')).toEqual(['a', 'b']);
    expect(nodeNames('n[01-03,7],gpu1')).toEqual(['n01', 'n02', 'n03', 'n7', 'gpu1']);
  });
});
