import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { PinoLogger } from 'nestjs-pino';
import { DomainError, ErrorCode, forbidden } from '../../common/domain-error';
import type { Principal } from '../principal';
import { ACCESS_RULE, type AccessRule } from './access.decorator';

/*
 * A GraphQL resolver's arguments are (root, args, context, info), which is all GqlExecutionContext
 * reads; reading them here keeps @nestjs/graphql out of the worker, which has this guard but no GraphQL.
 */
const GRAPHQL_CONTEXT = 2;
const GRAPHQL_INFO = 3;

/** "Query.jobs", "Job.events", "GET /healthz": how refusals name the operation. */
function operationName(context: ExecutionContext): string {
  if (context.getType<string>() === 'graphql') {
    const info = context.getArgByIndex<{ parentType: { name: string }; fieldName: string }>(GRAPHQL_INFO);
    return `${info.parentType.name}.${info.fieldName}`;
  }
  const req = context.switchToHttp().getRequest<{ method: string; path: string }>();
  return `${req.method} ${req.path}`;
}

/**
 * The one authorization check, for HTTP routes, GraphQL fields and graphql-ws subscriptions alike:
 * the operation's declared rule (access.decorator.ts) decides; an operation that declares none is
 * refused. Authentication is the bearer strategy's, run once per request.
 */
@Injectable()
export class AccessGuard extends PassportAuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) {
      const name = operationName(context);
      PinoLogger.root.error({ operation: name }, 'operation declares no access rule; refused');
      throw forbidden(`${name} declares no access rule and is refused (deny by default)`);
    }
    if (rule.kind === 'public') return true;
    const req = this.getRequest(context);
    // Field resolvers run once per parent row: authenticate the request once.
    if (!req.user) await super.canActivate(context);
    const p = req.user as Principal;
    if (rule.kind === 'signed-in') return true;
    if (rule.direct && p.actingService) {
      throw forbidden(`${operationName(context)} is not available while acting for another user (${p.actingService} acting for ${p.username})`);
    }
    if (rule.admin && !p.admin) throw forbidden(`${operationName(context)} is for administrators only`);
    if (!p.scopes.includes(rule.scope)) throw forbidden(`this token lacks the "${rule.scope}" scope that ${operationName(context)} needs`, { scope: rule.scope });
    return true;
  }

  override getRequest(context: ExecutionContext) {
    if (context.getType<string>() === 'graphql') return context.getArgByIndex<{ req: unknown }>(GRAPHQL_CONTEXT).req;
    return context.switchToHttp().getRequest();
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'missing, unknown, expired or revoked token (send "Authorization: Bearer <token>")');
    return user;
  }
}
