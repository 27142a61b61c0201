import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { ACT_AS_HEADER } from '../auth/tokens.service';
import { graphqlErrorFormatter } from '../common/graphql-error.formatter';
import { QueryLimitsPlugin } from './query-limits.plugin';

/** Request context: HTTP gives `req`; a graphql-ws connection carries the token (and act-as user) in its connection params. */
function context(ctx: { req?: unknown; res?: unknown } & Partial<Context>) {
  if (ctx.connectionParams !== undefined || ctx.extra !== undefined) {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    const authorization = params.authorization ?? params.Authorization;
    const actAs = params[ACT_AS_HEADER] ?? params['X-Hpcg-Act-As'];
    const headers: Record<string, string | undefined> = { authorization: typeof authorization === 'string' ? authorization : undefined };
    // A service token acting for a user (JupyterHub's progress) names the user here, as in the HTTP header.
    if (typeof actAs === 'string') headers[ACT_AS_HEADER] = actAs;
    return { req: { headers } };
  }
  return { req: ctx.req, res: ctx.res };
}

@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [PinoLogger],
      useFactory: (logger: PinoLogger) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        playground: false,
        introspection: true,
        subscriptions: { 'graphql-ws': true },
        context,
        formatError: graphqlErrorFormatter(logger.logger),
      }),
    }),
  ],
  providers: [QueryLimitsPlugin],
})
export class GraphqlApiModule {}
