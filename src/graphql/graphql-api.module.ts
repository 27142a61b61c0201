import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { graphqlErrorFormatter } from '../common/graphql-error.formatter';
import { QueryLimitsPlugin } from './query-limits.plugin';

/** Request context: HTTP gives `req`; a graphql-ws connection carries the token in its connection params. */
function context(ctx: { req?: unknown; res?: unknown } & Partial<Context>) {
  if (ctx.connectionParams !== undefined || ctx.extra !== undefined) {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    const authorization = params.authorization ?? params.Authorization;
    return { req: { headers: { authorization: typeof authorization === 'string' ? authorization : undefined } } };
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
