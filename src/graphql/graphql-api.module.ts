import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { AuthModule } from '../auth/auth.module';
import { LiveSessions } from '../auth/live-sessions';
import { TokensService } from '../auth/tokens.service';
import { graphqlErrorFormatter } from '../common/graphql-error.formatter';
import { QueryLimitsPlugin } from './query-limits.plugin';
import { wsAuthentication, wsRequest } from './ws-authentication';

/** Request context: HTTP gives `req`; on a graphql-ws socket, the principal its connection authenticated. */
function context(ctx: { req?: unknown; res?: unknown } & Partial<Context>) {
  if (ctx.connectionParams !== undefined || ctx.extra !== undefined) return { req: wsRequest(ctx.extra as Parameters<typeof wsRequest>[0]) };
  return { req: ctx.req, res: ctx.res };
}

@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule],
      inject: [PinoLogger, TokensService, LiveSessions],
      useFactory: (logger: PinoLogger, tokens: TokensService, sessions: LiveSessions) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        playground: false,
        introspection: true,
        subscriptions: { 'graphql-ws': wsAuthentication(tokens, sessions) },
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
