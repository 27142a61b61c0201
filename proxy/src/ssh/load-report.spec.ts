import { loadScore, parseLoadReport } from './load-report';

describe('load report', () => {
  it('reads the default command\'s output: /proc/loadavg, nproc, who | wc -l', () => {
    expect(parseLoadReport('1.52 0.80 0.40 3/512 12345\n16\n  7\n')).toEqual({ load1: 1.52, cpus: 16, users: 7 });
  });

  it('says which line is wrong and what it should be', () => {
    expect(() => parseLoadReport('')).toThrow('probe output has no line 1 (a /proc/loadavg line)');
    expect(() => parseLoadReport('high 1 1\n4\n0\n')).toThrow('probe output line 1 should start with the 1-minute load average (as /proc/loadavg does); got "high 1 1"');
    expect(() => parseLoadReport('0.5 0.5 0.5\n0\n0\n')).toThrow('probe output line 2 should be the CPU count (as nproc prints it); got "0"');
    expect(() => parseLoadReport('0.5 0.5 0.5\n4\n')).toThrow('probe output has no line 3 (the number of logged-in users)');
    expect(() => parseLoadReport('0.5 0.5 0.5\n4\n-1\n')).toThrow('line 3 should be the number of logged-in users');
  });

  it('scores load per CPU, counting users and connections the probe has not seen yet', () => {
    const report = { load1: 2, cpus: 4, users: 6 };
    expect(loadScore(report, 0, 0, undefined)).toBe(0.5);
    expect(loadScore(report, 0, 0.5, undefined)).toBe(1.25);
    expect(loadScore(report, 2, 0.5, undefined)).toBe(1.5);
    // A configured CPU count (a cgroup limit) replaces the probe's.
    expect(loadScore(report, 0, 0, 2)).toBe(1);
  });
});
