import { isConnectionLoss } from './connection-loss';

/** The shape Prisma 7 gives a raw query whose backend was terminated (recorded from a real pg_terminate_backend). */
const terminated = Object.assign(new Error('Raw query failed. Code: `57P01`. Message: `terminating connection due to administrator command`'), {
  code: 'P2010',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '57P01', kind: 'postgres', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' } } },
});

describe('isConnectionLoss', () => {
  it('is true for a terminated session, a connection exception and a broken socket', () => {
    expect(isConnectionLoss(terminated)).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { meta: { driverAdapterError: { cause: { code: '08006' } } } }))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('is false for what retrying cannot fix: a unique violation, a syntax error, a non-error', () => {
    expect(isConnectionLoss(Object.assign(new Error('Unique constraint failed'), { code: 'P2002', meta: { driverAdapterError: { cause: { code: '23505' } } } }))).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error('syntax error'), { meta: { driverAdapterError: { cause: { code: '42601' } } } }))).toBe(false);
    expect(isConnectionLoss('Connection terminated')).toBe(false);
  });
});
