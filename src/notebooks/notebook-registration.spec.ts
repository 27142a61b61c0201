import { DomainError } from '../common/domain-error';
import { hashToken } from '../auth/token-hash';
import { NotebookRegistrationService } from './notebook-registration.service';

/**
 * The registration rules one by one, with the engine and database replaced: only a RUNNING job, only
 * from its node, only a port in range; a refusal never spends the token (the repository is not written).
 */
const TOKEN = 'secret-token';
const silentLog = { info: () => undefined, error: () => undefined, warn: () => undefined };

function setup(job: Record<string, unknown>, site: { kind: string; addresses?: string[] } = { kind: 'slurm' }) {
  const nb = { id: 7, jobId: 70, userId: 1, state: 'PENDING', stopRequested: false, tokenHash: hashToken(TOKEN), prefix: '/', startedAt: null, job: { id: 70, engine: 'e', state: 'RUNNING', endTime: null, nodeList: 'node-a', engineRef: 'ns/hpcg-70', ...job } };
  const apply = jest.fn(async () => true);
  const engine = site.addresses ? { nodeAddresses: jest.fn(async () => site.addresses as string[]) } : {};
  const config = { engines: [{ name: 'e', kind: site.kind }], notebooks: { portRange: [1024, 65535], ports: null } };
  const service = new NotebookRegistrationService(
    config as never,
    { get: () => engine } as never,
    { findById: async () => nb, apply } as never,
    { fail: jest.fn() } as never,
    { publish: jest.fn(async () => undefined) } as never,
    silentLog as never,
  );
  // The readiness probe is not under test.
  (service as unknown as { awaitReady: () => Promise<void> }).awaitReady = async () => undefined;
  return { service, apply, engine };
}

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('accepted');
}

describe('notebook registration', () => {
  it.each([
    ['PENDING', null, 'is PENDING, not RUNNING'],
    ['HELD', null, 'is HELD, not RUNNING'],
    ['COMPLETED', new Date(), 'has ended (COMPLETED)'],
    ['CANCELLED', new Date(), 'has ended (CANCELLED)'],
    ['FAILED', null, 'has ended (FAILED)'],
  ])('a job that is %s: CONFLICT, nothing written', async (state, endTime, text) => {
    const { service, apply } = setup({ state, endTime });
    const e = await refusal(service.register(7, TOKEN, { host: '127.0.0.1', port: 40000 }, '127.0.0.1'));
    expect(e).toMatchObject({ code: 'CONFLICT', details: { jobState: state } });
    expect(e.message).toContain(`job 70 ${text}`);
    expect(apply).not.toHaveBeenCalled();
    const f = await refusal(service.failed(7, TOKEN, { reason: 'x' }, '127.0.0.1'));
    expect(f).toMatchObject({ code: 'CONFLICT' });
    expect(apply).not.toHaveBeenCalled();
  });

  it('a request from elsewhere than the job\'s node is FORBIDDEN, even naming the node as host', async () => {
    const { service, apply } = setup({ nodeList: '127.0.0.1' });
    for (const source of ['192.0.2.7', '::ffff:192.0.2.7', null]) {
      const e = await refusal(service.register(7, TOKEN, { host: '127.0.0.1', port: 40000 }, source));
      expect(e).toMatchObject({ code: 'FORBIDDEN', details: { field: 'host' } });
      expect(e.message).toMatch(/must come from the node job 70 runs on \(127\.0\.0\.1\)/);
    }
    expect(await refusal(service.failed(7, TOKEN, { reason: 'x' }, '192.0.2.7'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(apply).not.toHaveBeenCalled();
    // From the node itself (IPv4-mapped as Node reports it) it is accepted.
    await expect(service.register(7, TOKEN, { host: '127.0.0.1', port: 40000 }, '::ffff:127.0.0.1')).resolves.toEqual({ state: 'STARTING' });
    expect(apply).toHaveBeenCalledWith(expect.objectContaining({ data: expect.objectContaining({ host: '127.0.0.1', port: 40000, tokenHash: null }) }));
  });

  it("a Kubernetes job's pod IP, as the engine reports it, is its node; another host is refused", async () => {
    const { service, apply, engine } = setup({ nodeList: 'node-1.invalid' }, { kind: 'kubernetes', addresses: ['10.1.2.3', '192.168.0.5'] });
    expect(await refusal(service.register(7, TOKEN, { host: '10.9.9.9', port: 40000 }, '10.1.2.3'))).toMatchObject({ code: 'FORBIDDEN', details: { field: 'host', value: '10.9.9.9' } });
    expect(await refusal(service.register(7, TOKEN, { host: '10.1.2.3', port: 40000 }, '10.7.7.7'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(apply).not.toHaveBeenCalled();
    await expect(service.register(7, TOKEN, { host: '10.1.2.3', port: 40000 }, '192.168.0.5')).resolves.toEqual({ state: 'STARTING' });
    expect((engine as { nodeAddresses: jest.Mock }).nodeAddresses).toHaveBeenCalledWith('ns/hpcg-70', 70);
  });

  it('the local engine: the machine\'s own addresses are the node; another loopback address is not', async () => {
    const { service, apply } = setup({ nodeList: null }, { kind: 'local' });
    expect(await refusal(service.register(7, TOKEN, { host: '127.0.0.2', port: 40000 }, '127.0.0.1'))).toMatchObject({ code: 'FORBIDDEN', details: { value: '127.0.0.2' } });
    expect(apply).not.toHaveBeenCalled();
    await expect(service.register(7, TOKEN, { host: 'localhost', port: 40000 }, '127.0.0.1')).resolves.toEqual({ state: 'STARTING' });
    // A name that is not a node-list name is stored as the address it resolved to: DNS cannot re-point it later.
    expect(apply).toHaveBeenCalledWith(expect.objectContaining({ data: expect.objectContaining({ host: '127.0.0.1' }) }));
  });

  it.each([22, 0, 1023, 65536, 70000, -1, 1.5, '40000', null])('port %p: BAD_USER_INPUT naming the range, nothing written', async (port) => {
    const { service, apply } = setup({ nodeList: '127.0.0.1' });
    const e = await refusal(service.register(7, TOKEN, { host: '127.0.0.1', port }, '127.0.0.1'));
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'port', allowed: '1024-65535' } });
    expect(apply).not.toHaveBeenCalled();
  });

  it('a wrong token is refused before anything else is told', async () => {
    const { service } = setup({ state: 'PENDING' });
    expect(await refusal(service.register(7, 'wrong', { host: 'x', port: 1 }, '192.0.2.1'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
