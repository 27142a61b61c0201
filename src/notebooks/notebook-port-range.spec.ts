import { resolveNotebooks } from './notebook-profiles';
import { notebooksSchema } from './notebooks-config.schema';

/** notebooks.portRange in the site file: validated, defaulted, and `ports` (where the launcher picks) must lie inside it. */
const fail = (key: string, message: string): never => {
  throw new Error(`${key}: ${message}`);
};
const resolve = (input: Record<string, unknown>) => resolveNotebooks(notebooksSchema.parse(input), [], fail);

describe('notebooks.portRange', () => {
  it('defaults to the unprivileged ports', () => {
    expect(resolve({}).portRange).toEqual([1024, 65535]);
    expect(resolve({ portRange: [9000, 9999], ports: '9000-9100' })).toMatchObject({ portRange: [9000, 9999], ports: '9000-9100' });
  });

  it('refuses a malformed range', () => {
    for (const portRange of [[0, 10], [10, 70000], [2000, 1000], [1024], '1024-2048', [1024.5, 2048]]) {
      expect(notebooksSchema.safeParse({ portRange }).success).toBe(false);
    }
  });

  it('refuses ports the launcher would pick but the gateway would not accept', () => {
    expect(() => resolve({ portRange: [9000, 9999], ports: '8000-9100' })).toThrow('notebooks.ports: 8000-9100 must lie within notebooks.portRange [9000, 9999]');
    expect(() => resolve({ ports: '80-90' })).toThrow(/notebooks\.ports: 80-90 must lie within notebooks\.portRange \[1024, 65535\]/);
  });
});
