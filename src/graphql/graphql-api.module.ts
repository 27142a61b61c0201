import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { AuthModule } from '../auth/auth.module';
import { ACT_AS_HEADER, TokensService } from '../auth/tokens.service';
import { graphqlErrorFormatter } from '../common/graphql-error.formatter';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { PARSE_MAX_TOKENS } from './operation-limits';
import { QueryLimitsPlugin } from './query-limits.plugin';
import { wsOperationLimits } from './ws-operation-limits';

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
    AuthModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule],
      inject: [PinoLogger, GraphQLSchemaHost, TokensService, APP_CONFIG],
      useFactory: (logger: PinoLogger, schemaHost: GraphQLSchemaHost, tokens: TokensService, config: AppConfig) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        playground: false,
        // Who may introspect is decided per request (operation-limits.ts); `off` is also Apollo's.
        introspection: config.graphql.introspection !== 'off',
        // One operation per request: an array body would multiply every per-operation limit.
        allowBatchedHttpRequests: false,
        parseOptions: { maxTokens: PARSE_MAX_TOKENS },
        subscriptions: { 'graphql-ws': { onSubscribe: wsOperationLimits(schemaHost, tokens, config) } },
        context,
        formatError: graphqlErrorFormatter(logger.logger),
      }),
    }),
  ],
  providers: [QueryLimitsPlugin],
})
export class GraphqlApiModule {}
