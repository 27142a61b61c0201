import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IS_PUBLIC } from './public.decorator';

/** Global guard: every resolver and route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard extends PassportAuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    return super.canActivate(context);
  }

  override getRequest(context: ExecutionContext) {
    if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
    return context.switchToHttp().getRequest();
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'missing, unknown, expired or revoked token (send "Authorization: Bearer <token>")');
    return user;
  }
}
