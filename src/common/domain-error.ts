/**
 * Every error a user can cause or see is a DomainError with a code. Transports map codes once
 * (src/common/api-errors.ts, used by the GraphQL formatter and the HTTP routes); services never throw HTTP exceptions.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Structured detail a client can act on: which option, which line, which limit. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.NOT_FOUND, message, details);
export const forbidden = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.FORBIDDEN, message, details);
