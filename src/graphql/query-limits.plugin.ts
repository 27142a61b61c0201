import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject } from '@nestjs/common';
import { TokensService } from '../auth/tokens.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { carriesValidToken } from './graphql-auth';
import { checkOperation, limitError } from './operation-limits';

/** HTTP: refuses operations over the configured limits (operation-limits.ts) before any resolver runs. */
@Plugin()
export class QueryLimitsPlugin implements ApolloServerPlugin {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokensService,
  ) {}

  async requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const { config, tokens } = this;
    return {
      async didResolveOperation({ request, document, schema }) {
        const refusal = await checkOperation({
          schema,
          document,
          operationName: request.operationName,
          variables: request.variables,
          limits: config.graphql,
          isAuthenticated: () => carriesValidToken(tokens, request.http?.headers.get('authorization')),
        });
        if (refusal) throw limitError(refusal, { http: { status: 400 } });
      },
    };
  }
}
