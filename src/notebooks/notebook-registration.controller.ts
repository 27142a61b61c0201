import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Headers, HttpCode, HttpException, Param, Post, Req, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { Public } from '../auth/authorization/access.decorator';
import { bearerToken } from '../auth/bearer-token';
import { apiErrorOf, HTTP_STATUS } from '../common/api-errors';
import { ErrorCode } from '../common/domain-error';
import { NotebookRegistrationService } from './notebook-registration.service';

/** The launcher reads plain JSON errors: `{error: CODE, message, field?}`, with the HTTP status of the code. */
@Catch()
export class RegistrationErrorFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const known = apiErrorOf(e);
    if (known) {
      res.status(HTTP_STATUS[known.code]).json({ error: known.code, message: known.message, ...known.details });
      return;
    }
    // Body-parser errors (malformed JSON) arrive as HttpExceptions.
    const status = e instanceof HttpException ? e.getStatus() : 500;
    if (status === 500) PinoLogger.root.error({ err: e }, 'unexpected error in notebook registration');
    res.status(status).json({ error: status === 400 ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL, message: status === 400 ? (e as Error).message : 'internal error (logged on the gateway)' });
  }
}

/**
 * The peer of the TCP connection, never X-Forwarded-For: the launcher talks to the API directly
 * (notebooks.gatewayUrl), and the check is about where the request really comes from.
 */
function source(req: Request): string | null {
  return req.socket.remoteAddress ?? null;
}

/** Registration routes of the notebook contract; no API token: the notebook's one-time token guards them. */
@Controller('notebooks')
@UseFilters(RegistrationErrorFilter)
export class NotebookRegistrationController {
  constructor(private readonly registration: NotebookRegistrationService) {}

  @Public()
  @Post(':id/register')
  @HttpCode(202)
  register(@Param('id') id: string, @Headers('authorization') authorization: string | undefined, @Body() body: unknown, @Req() req: Request) {
    return this.registration.register(Number(id), bearerToken(authorization), body, source(req));
  }

  @Public()
  @Post(':id/failed')
  @HttpCode(202)
  failed(@Param('id') id: string, @Headers('authorization') authorization: string | undefined, @Body() body: unknown, @Req() req: Request) {
    return this.registration.failed(Number(id), bearerToken(authorization), body, source(req));
  }
}
