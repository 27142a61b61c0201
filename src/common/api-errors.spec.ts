import { EngineRefusedError, EngineUnavailableError, translatedOrRefused } from '../engines/engine-errors';
import { apiErrorOf } from './api-errors';
import { badInput, DomainError, ErrorCode, forbidden } from './domain-error';

describe('apiErrorOf: the one table from errors to API codes', () => {
  it.each([
    [new DomainError(ErrorCode.CONFLICT, 'c', { id: 1 }), ErrorCode.CONFLICT],
    [new EngineRefusedError('hpc', 'refused', { details: { option: '--nodes' } }), ErrorCode.BAD_USER_INPUT],
    [new EngineRefusedError('kube', 'admission denied', { policy: true }), ErrorCode.FORBIDDEN],
    [new EngineUnavailableError('hpc', 'slurmctld down'), ErrorCode.UNAVAILABLE],
  ])('%p → %s, message and details kept', (e, code) => {
    expect(apiErrorOf(e)).toEqual({ code, message: e.message, details: e.details });
  });

  it('a lost database connection is UNAVAILABLE (try again), without the driver\'s words', () => {
    const lost = Object.assign(new Error('Raw query failed. Code: `57P01`'), { meta: { driverAdapterError: { cause: { code: '57P01' } } } });
    expect(apiErrorOf(lost)).toEqual({ code: ErrorCode.UNAVAILABLE, message: expect.stringMatching(/^the database connection was lost/), details: { service: 'database' } });
  });

  it('hides anything else', () => expect(apiErrorOf(new Error('boom'))).toBeNull());
});

describe('translatedOrRefused: a translation check failing at submit is a refusal', () => {
  it('keeps the message and details; FORBIDDEN becomes a policy refusal', () => {
    const refused = (e: Error) => { try { translatedOrRefused('local', 3, () => { throw e; }); } catch (r) { return r; } };
    expect(refused(badInput('requests 4 nodes', { option: '--nodes' }))).toMatchObject({ constructor: EngineRefusedError, engine: 'local', jobId: 3, message: 'requests 4 nodes', details: { option: '--nodes' }, policy: false });
    expect(refused(forbidden('runs jobs as svc'))).toMatchObject({ constructor: EngineRefusedError, policy: true });
    const other = new TypeError('bug');
    expect(refused(other)).toBe(other);
  });
});
