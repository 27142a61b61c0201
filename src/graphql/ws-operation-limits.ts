import { GraphQLError, parse, validate, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { AppConfig } from '../config/load-config';
import { checkOperation, limitError, PARSE_MAX_TOKENS } from './operation-limits';

/**
 * graphql-ws: Apollo's plugins do not see operations sent over the socket (queries and mutations
 * as well as subscriptions), so the same checkOperation runs here, in onSubscribe. The document is
 * parsed and validated once, here, and handed to graphql-ws as execution arguments (it then builds
 * the context itself, as without this hook).
 */
export function wsOperationLimits(schemaHost: GraphQLSchemaHost, config: AppConfig) {
  return async function onSubscribe(ctx: Context, _id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const schema = schemaHost.schema;
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: PARSE_MAX_TOKENS });
    } catch (e) {
      return [e instanceof GraphQLError ? e : new GraphQLError(String(e))];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid;
    const refusal = await checkOperation({
      schema,
      document,
      operationName: payload.operationName,
      variables: payload.variables,
      limits: config.graphql,
      // onConnect admitted only sockets with a valid token (ws-authentication.ts).
      isAuthenticated: async () => (ctx.extra as { principal?: unknown }).principal !== undefined,
    });
    if (refusal) return [limitError(refusal)];
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };
}
