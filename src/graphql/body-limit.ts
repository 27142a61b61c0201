import type { NextFunction, Request, Response } from 'express';

/**
 * Express error handler for the JSON body parser's size limit: a 413 whose body says what was too
 * large and what is allowed, in the shape GraphQL clients read (`errors[].extensions.code`).
 */
export function bodyTooLargeHandler(maxBytes: number) {
  return (err: { type?: string; length?: number }, _req: Request, res: Response, next: NextFunction): void => {
    if (err?.type !== 'entity.too.large') return next(err);
    const size = typeof err.length === 'number' ? `${err.length} bytes` : 'larger than allowed';
    res.status(413).json({
      errors: [
        {
          message: `request body is ${size}; the gateway accepts at most ${maxBytes} bytes (HPCG_GRAPHQL_MAX_BODY_BYTES)`,
          extensions: { code: 'LIMIT_EXCEEDED', details: { limit: 'HPCG_GRAPHQL_MAX_BODY_BYTES', max: maxBytes } },
        },
      ],
    });
  };
}
