import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { GraphQLError, Kind, SelectionSetNode, FragmentDefinitionNode, DocumentNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** Depth of an operation's selection set, following fragments (each visited once per path). */
export function selectionDepth(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) max = Math.max(max, 1 + selectionDepth(sel.selectionSet, fragments, seen));
    else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, selectionDepth(sel.selectionSet, fragments, seen));
    else if (!seen.has(sel.name.value) && fragments[sel.name.value]) {
      max = Math.max(max, selectionDepth(fragments[sel.name.value].selectionSet, fragments, new Set([...seen, sel.name.value])));
    }
  }
  return max;
}

function fragmentsOf(doc: DocumentNode): Record<string, FragmentDefinitionNode> {
  return Object.fromEntries(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}

/** Refuses operations deeper or costlier than configured, before any resolver runs. */
@Plugin()
export class QueryLimitsPlugin implements ApolloServerPlugin {
  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const { maxDepth, maxComplexity } = this.config.graphql;
    const schema = this.schemaHost.schema;
    return {
      async didResolveOperation({ request, document, operation }) {
        if (!operation) return;
        const depth = selectionDepth(operation.selectionSet, fragmentsOf(document));
        if (depth > maxDepth) {
          throw new GraphQLError(`query depth ${depth} exceeds the maximum of ${maxDepth}`, { extensions: { code: 'BAD_USER_INPUT', details: { depth, maxDepth } } });
        }
        const complexity = getComplexity({
          schema,
          operationName: request.operationName,
          query: document,
          variables: request.variables,
          estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
        });
        if (complexity > maxComplexity) {
          throw new GraphQLError(`query complexity ${complexity} exceeds the maximum of ${maxComplexity}`, {
            extensions: { code: 'BAD_USER_INPUT', details: { complexity, maxComplexity } },
          });
        }
      },
    };
  }
}
