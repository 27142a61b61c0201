import { routingSchema } from './routing-config.schema';
import { resolveRouting } from './resolve-routing';

const partitions = [{ name: 'k8s-a100' }, { name: 'slurm-gpu' }, { name: 'local' }];

function resolve(routing: unknown) {
  const fail = (key: string, message: string): never => {
    throw new Error(`${key}: ${message}`);
  };
  return resolveRouting(routingSchema.parse(routing), partitions, fail);
}

describe('routing configuration', () => {
  it('defaults: moves after 5 minutes, assumes an hour for jobs without a limit, no groups', () => {
    expect(resolve({})).toEqual({ moveAfterMs: 300_000, assumedRuntimeMinutes: 60, groups: [] });
  });

  it('a group stands for its partitions, with a rule and fallbacks', () => {
    const r = resolve({ moveAfterSeconds: 30, groups: [{ name: 'any-gpu', partitions: ['k8s-a100', 'slurm-gpu'], choose: 'in-order', fallback: ['local'] }] });
    expect(r.groups).toEqual([{ name: 'any-gpu', partitions: ['k8s-a100', 'slurm-gpu'], choose: 'in-order', fallback: ['local'] }]);
    expect(r.moveAfterMs).toBe(30_000);
  });

  it.each([
    [{ groups: [{ name: 'g', partitions: ['nope'] }] }, /routing\.groups\.0\.partitions\.0: no partition "nope" \(partitions: k8s-a100, slurm-gpu, local\)/],
    [{ groups: [{ name: 'g', partitions: ['local'], fallback: ['gone'] }] }, /routing\.groups\.0\.fallback\.0: no partition "gone"/],
    [{ groups: [{ name: 'local', partitions: ['k8s-a100'] }] }, /routing\.groups\.0\.name: "local" is already a partition's name/],
    [{ groups: [{ name: 'g', partitions: ['local'] }, { name: 'g', partitions: ['local'] }] }, /routing\.groups\.1\.name: group "g" is defined twice/],
    [{ groups: [{ name: 'g', partitions: ['local'], fallback: ['local'] }] }, /routing\.groups\.0\.fallback\.0: partition "local" is named twice in group "g"/],
    [{ assumedRuntime: 'UNLIMITED' }, /routing\.assumedRuntime: "UNLIMITED" must be a finite time/],
  ])('refuses %j with the key named', (routing, message) => {
    expect(() => resolve(routing)).toThrow(message);
  });

  it('refuses an unknown rule and an unknown key (schema)', () => {
    expect(routingSchema.safeParse({ groups: [{ name: 'g', partitions: ['local'], choose: 'random' }] }).success).toBe(false);
    expect(routingSchema.safeParse({ moveAfter: 3 }).success).toBe(false);
  });
});
