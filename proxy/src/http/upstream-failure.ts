import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { describeNetworkError } from '../pool/health-probe';
import { CONNECT_TIMEOUT_CODE } from './upstream-agent';

/** Errors that mean the TCP connection was never made: the upstream never saw the request. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', CONNECT_TIMEOUT_CODE]);

/** Methods a proxy may repeat when the upstream dropped the connection before answering (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function isConnectFailure(err: NodeJS.ErrnoException, socketConnected: boolean | undefined): boolean {
  return CONNECT_ERRORS.has(err.code ?? '') || socketConnected === false;
}

/** The code of the error a request is destroyed with when its response headers are late. */
export const RESPONSE_HEADERS_TIMEOUT_CODE = 'ERESPONSEHEADERSTIMEOUT';

/** Timer callback (no closure per request): the response headers did not come within `timeoutMs`. */
export function abortWaitingForHeaders(preq: ClientRequest, timeoutMs: number): void {
  preq.destroy(Object.assign(new Error(`no response headers within ${timeoutMs}ms`), { code: RESPONSE_HEADERS_TIMEOUT_CODE, timeoutMs }));
}

/**
 * Not one byte of the request went out, on a connection opened for it: whatever the method, the
 * upstream cannot have seen it, and the body (read only once connected) is still unread.
 */
export function nothingSent(preq: ClientRequest, socket: Socket | null): boolean {
  return socket !== null && !preq.reusedSocket && socket.bytesWritten === 0;
}

/** The upstream closed the connection before any response byte (a stale keep-alive socket, a crash). */
export function isResetBeforeResponse(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ECONNRESET' || err.code === 'EPIPE';
}

export interface UpstreamFailure {
  status: 502 | 503 | 504;
  /** For the error page. */
  message: string;
  /** For the log. */
  detail: string;
}

export function describeFailure(err: NodeJS.ErrnoException & { timeoutMs?: number }, timedOut: boolean, timeoutMs: number): UpstreamFailure {
  if (timedOut) {
    return { status: 504, message: `The server behind this address did not answer within ${Math.round(timeoutMs / 1000)}s.`, detail: `no response within ${timeoutMs}ms` };
  }
  if (err.code === RESPONSE_HEADERS_TIMEOUT_CODE) {
    const seconds = Math.round((err.timeoutMs ?? 0) / 100) / 10;
    return { status: 504, message: `The server behind this address did not start answering within ${seconds}s.`, detail: err.message };
  }
  if (err.code?.startsWith('HPE_')) {
    return { status: 502, message: 'The server behind this address sent an invalid HTTP response.', detail: `invalid response: ${err.code}` };
  }
  const detail = err.code === CONNECT_TIMEOUT_CODE ? err.message : describeNetworkError(err);
  return {
    status: 503,
    message: `The server behind this address is unavailable (${detail}). It may be starting or stopped; please retry shortly.`,
    detail,
  };
}
