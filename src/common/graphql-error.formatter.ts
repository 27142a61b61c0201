import { HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { apiErrorOf } from './api-errors';
import { ErrorCode } from './domain-error';

/**
 * The ONE place errors become GraphQL errors: a DomainError or engine error keeps its message and gets
 * its code (extensions.code) and details from the one table (api-errors.ts); class-validator failures
 * are BAD_USER_INPUT; GraphQL's own validation errors pass through; anything else is logged and
 * reported as INTERNAL without detail.
 */
export function graphqlErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    const known = apiErrorOf(original);
    if (known) return { ...base, message: known.message, extensions: { code: known.code, details: known.details } };
    if (original instanceof HttpException) {
      const response = original.getResponse() as { message?: string | string[] };
      const messages = Array.isArray(response.message) ? response.message : [response.message ?? original.message];
      const code = original.getStatus() === 401 ? ErrorCode.UNAUTHENTICATED : original.getStatus() === 403 ? ErrorCode.FORBIDDEN : ErrorCode.BAD_USER_INPUT;
      return { ...base, message: messages.join('; '), extensions: { code, details: { messages } } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return { ...base, extensions: { code } };
    log.error({ err: original }, 'unexpected error in GraphQL operation');
    return { ...base, message: 'internal error (logged on the gateway)', extensions: { code: ErrorCode.INTERNAL } };
  };
}
