import { EngineRefusedError, EngineUnavailableError } from '../engines/engine-errors';
import { isConnectionLoss } from '../database/connection-loss';
import { DomainError, ErrorCode } from './domain-error';

/** What a transport shows of an error a user can cause or see. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** The HTTP status of each code, for transports that speak HTTP (the notebook registration routes). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.LIMIT_EXCEEDED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
};

/**
 * The ONE mapping from the gateway's errors to the codes clients read (GraphQL `extensions.code`, the
 * registration routes' `error`): a DomainError keeps its code; an engine's refusal that reaches the API
 * is the user's request (FORBIDDEN when a policy refused it); an unavailable engine or a lost database
 * connection is UNAVAILABLE. Null for anything else: an unexpected error, which transports log and hide.
 */
export function apiErrorOf(e: unknown): ApiError | null {
  if (e instanceof DomainError) return { code: e.code, message: e.message, details: e.details };
  if (e instanceof EngineRefusedError) return { code: e.policy ? ErrorCode.FORBIDDEN : ErrorCode.BAD_USER_INPUT, message: e.message, details: e.details };
  if (e instanceof EngineUnavailableError) return { code: ErrorCode.UNAVAILABLE, message: e.message, details: e.details };
  // A failover or a terminated session: the request may be sent again (submissions with their idempotency key).
  if (isConnectionLoss(e)) return { code: ErrorCode.UNAVAILABLE, message: 'the database connection was lost while answering; try again (a submission with the same idempotency key is never stored twice)', details: { service: 'database' } };
  return null;
}
