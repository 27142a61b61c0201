/**
 * Whether an error from Prisma (over @prisma/adapter-pg) means the database connection was lost, not
 * that the statement was wrong: SQLSTATE class 08 (connection exception) and 57P01-57P03 (the server
 * terminated the session: pg_terminate_backend, a restart or failover), or the socket itself failing.
 * Such a statement may be retried on a fresh connection when retrying it is harmless.
 */
const LOST_SQLSTATE = /^(08|57P0[1-3])/;
const LOST_SOCKET = /Connection terminated|ECONNRESET|EPIPE|ECONNREFUSED|connection error|Connection ended/i;

interface AdapterCause {
  code?: string;
  originalCode?: string;
  message?: string;
}

export function isConnectionLoss(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const cause = (e as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code ?? (e as { code?: unknown }).code;
  if (typeof code === 'string' && LOST_SQLSTATE.test(code)) return true;
  return LOST_SOCKET.test(`${e.message} ${cause?.message ?? ''}`);
}
