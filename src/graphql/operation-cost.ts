import type { ComplexityEstimator } from 'graphql-query-complexity';
import { getNamedType, getNullableType, GraphQLObjectType, GraphQLOutputType, isCompositeType, isInputObjectType, isListType, isObjectType, type GraphQLField } from 'graphql';

/**
 * The cost model of an operation (DESIGN.md §4 "Cost is bounded per request"). One unit is one
 * object the gateway builds; scalars ride along with the row they come from and cost nothing
 * extra (alias and field caps bound how many of them a document can name). What holds the
 * database pool is a resolver that queries per parent, so such fields declare RESOLVER_COST
 * (`@ResolveField(..., { complexity: RESOLVER_COST })`); root fields cost it by construction.
 * A list costs its size × (1 + its children): the `limit` argument where the field has one,
 * `page.limit` on a page field (a type with `items`), else DEFAULT_LIST_SIZE.
 */
export const RESOLVER_COST = 100;
/** A scalar whose value may be megabytes (a job's spec carries its whole script). */
export const LARGE_VALUE_COST = 50;
/** Lists without a size argument (a user's tokens, a job's events, a profile's options). */
export const DEFAULT_LIST_SIZE = 10;

/** A page type: an object with an `items` list (JobPage). Its field's `page.limit` sizes it. */
function isPageType(type: GraphQLOutputType): type is GraphQLObjectType {
  return isObjectType(type) && isListType(getNullableType(type.getFields().items?.type));
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The declared default of `page.limit` on the field's `page` argument (PageInput's 100). */
function defaultPageLimit(field: GraphQLField<unknown, unknown>): number | null {
  const page = field.args.find((a) => a.name === 'page');
  const input = page && getNamedType(page.type);
  return isInputObjectType(input) ? positiveInt(input.getFields().limit?.defaultValue) : null;
}

function pageSize(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  const page = args.page as { limit?: unknown } | null | undefined;
  return positiveInt(page?.limit) ?? positiveInt(args.limit) ?? defaultPageLimit(field) ?? DEFAULT_LIST_SIZE;
}

/** Estimator for graphql-query-complexity implementing the model above. */
export function operationCostEstimator(rootTypes: ReadonlySet<string>): ComplexityEstimator {
  return ({ type: parent, field, args, childComplexity }) => {
    const declared = field.extensions?.complexity;
    if (typeof declared === 'function') return undefined; // a field's own formula (fieldExtensionsEstimator) wins
    const own = typeof declared === 'number' ? declared : rootTypes.has(parent.name) ? RESOLVER_COST : 0;
    const returned = getNullableType(field.type);
    // `limit × children`: the page's items are sized by the page field above them, not again here.
    if (isPageType(returned)) return own + pageSize(field, args) * childComplexity;
    const objectCost = isCompositeType(getNamedType(field.type)) ? 1 : 0;
    if (isListType(returned)) {
      const inPage = isObjectType(parent) && isPageType(parent) && field.name === 'items';
      const size = inPage ? 1 : (positiveInt(args.limit) ?? DEFAULT_LIST_SIZE);
      return own + size * (objectCost + childComplexity);
    }
    return own + objectCost + childComplexity;
  };
}
