import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { AuthModule } from '../auth/auth.module';
import { LiveSessions } from '../auth/live-sessions';
import { TokensService } from '../auth/tokens.service';
import { graphqlErrorFormatter } from '../common/graphql-error.formatter';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { PARSE_MAX_TOKENS } from './operation-limits';
import { QueryLimitsPlugin } from './query-limits.plugin';
import { wsAuthentication, wsRequest } from './ws-authentication';
import { wsOperationLimits } from './ws-operation-limits';

/** Request context: HTTP gives `req`; on a graphql-ws socket, the principal its connection authenticated. */
function context(ctx: { req?: unknown; res?: unknown } & Partial<Context>) {
  if (ctx.connectionParams !== undefined || ctx.extra !== undefined) return { req: wsRequest(ctx.extra as Parameters<typeof wsRequest>[0]) };
  return { req: ctx.req, res: ctx.res };
}

@Module({
  imports: [
    AuthModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule],
      inject: [PinoLogger, GraphQLSchemaHost, TokensService, LiveSessions, APP_CONFIG],
      useFactory: (logger: PinoLogger, schemaHost: GraphQLSchemaHost, tokens: TokensService, sessions: LiveSessions, config: AppConfig) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        playground: false,
        // Who may introspect is decided per request (operation-limits.ts); `off` is also Apollo's.
        introspection: config.graphql.introspection !== 'off',
        // One operation per request: an array body would multiply every per-operation limit.
        allowBatchedHttpRequests: false,
        parseOptions: { maxTokens: PARSE_MAX_TOKENS },
        // Sockets authenticate when they open (and close when that access ends); each operation on them is limited like HTTP's.
        subscriptions: { 'graphql-ws': { ...wsAuthentication(tokens, sessions), onSubscribe: wsOperationLimits(schemaHost, config) } },
        // Field resolvers (Job.events, Notebook.job, …) declare their rule and are guarded like operations.
        fieldResolverEnhancers: ['guards'],
        context,
        formatError: graphqlErrorFormatter(logger.logger),
      }),
    }),
  ],
  providers: [QueryLimitsPlugin],
})
export class GraphqlApiModule {}
