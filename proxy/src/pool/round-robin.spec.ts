import { RoundRobin } from './round-robin';

const member = (name: string, healthy = true) => ({ name, health: { healthy } });

describe('RoundRobin', () => {
  it('cycles through the members in order', () => {
    const ms = [member('a'), member('b'), member('c')];
    const rr = new RoundRobin(ms);
    expect(Array.from({ length: 7 }, () => rr.pick()!.name)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('skips members out of rotation and the excluded one', () => {
    const ms = [member('a'), member('b', false), member('c')];
    const rr = new RoundRobin(ms);
    expect([rr.pick()!.name, rr.pick()!.name, rr.pick()!.name]).toEqual(['a', 'c', 'a']);
    expect(rr.pick(ms[2])!.name).toBe('a');
    expect(rr.pick(ms[0])!.name).toBe('c');
  });

  it('returns null when nobody is in rotation', () => {
    const ms = [member('a', false), member('b')];
    const rr = new RoundRobin(ms);
    expect(rr.pick(ms[1])).toBeNull();
    ms[1].health.healthy = false;
    expect(rr.pick()).toBeNull();
  });
});
