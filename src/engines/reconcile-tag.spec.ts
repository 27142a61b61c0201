import { adoptTagged } from './reconcile-tag';

const job = { id: 42, nonce: '0123456789abcdef0123456789abcdef', owner: { username: 'alice', uid: 1001, gid: 1001, groups: [], home: '/home/alice' } };

function logger() {
  const warned: { obj: Record<string, unknown>; msg: string }[] = [];
  return { warned, log: { info: () => undefined, error: () => undefined, warn: (obj: object, msg?: string) => void warned.push({ obj: obj as Record<string, unknown>, msg: msg ?? '' }) } };
}

describe('adopting a tagged engine job', () => {
  it('adopts only a candidate with the nonce AND the expected owner, whatever comes first, and warns about each other claim once', () => {
    const { warned, log } = logger();
    const ref = adoptTagged(
      job,
      [
        { ref: '10', nonce: 'ffffffffffffffffffffffffffffffff', owner: 'mallory' },
        { ref: '11', nonce: job.nonce, owner: 'mallory' },
        { ref: '11', nonce: job.nonce, owner: 'mallory' }, // an array job: one row per task
        { ref: '12', nonce: null, owner: 'alice' },
        { ref: '13', nonce: job.nonce, owner: 'alice' },
      ],
      { engine: 'hpc', expectedOwner: 'alice', logger: log },
    );
    expect(ref).toBe('13');
    expect(warned.map((w) => [w.obj.ref, w.obj.foundOwner, w.obj.nonceMatches, w.obj.ownerMatches])).toEqual([
      ['10', 'mallory', false, false],
      ['11', 'mallory', true, false],
      ['12', 'alice', false, true],
    ]);
    expect(warned[1].msg).toBe('possible forgery: engine job 11 of mallory carries the tag of gateway job 42 of alice; not adopted');
    expect(warned[1].obj).toMatchObject({ jobId: 42, engine: 'hpc', owner: 'alice', expectedOwner: 'alice' });
  });

  it('adopts nothing when no candidate is the job own, and nothing is logged when there is no candidate', () => {
    const { warned, log } = logger();
    expect(adoptTagged(job, [], { engine: 'hpc', expectedOwner: 'alice', logger: log })).toBeNull();
    expect(warned).toEqual([]);
    // In service mode the expected owner is the robot account: the owner's own name does not match.
    expect(adoptTagged(job, [{ ref: '7', nonce: job.nonce, owner: 'alice' }], { engine: 'hpc', expectedOwner: 'svc-gw', logger: log })).toBeNull();
    expect(adoptTagged(job, [{ ref: '7', nonce: job.nonce, owner: 'svc-gw' }], { engine: 'hpc', expectedOwner: 'svc-gw', logger: log })).toBe('7');
    // An empty nonce on either side never matches by accident.
    expect(adoptTagged({ ...job, nonce: '' }, [{ ref: '8', nonce: '', owner: 'alice' }], { engine: 'hpc', expectedOwner: 'alice', logger: log })).toBeNull();
  });
});
