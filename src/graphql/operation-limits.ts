import { DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode, getOperationAST } from 'graphql';
import { fieldExtensionsEstimator, getComplexity } from 'graphql-query-complexity';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { AppConfig } from '../config/load-config';
import { operationCostEstimator } from './operation-cost';

export type GraphqlLimits = AppConfig['graphql'];

/**
 * graphql-js stops parsing a document after this many tokens, so a huge query text costs bounded
 * CPU before any limit can count it. The CLI's largest document is about 150 tokens; the full
 * introspection query about 400.
 */
export const PARSE_MAX_TOKENS = 20_000;

/** A refusal as a GraphQL error carrying its code and details (what a client acts on). */
export function limitError(e: DomainError, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(e.message, { extensions: { code: e.code, details: e.details, ...extensions } });
}

/** What a document asks for, counted with every fragment spread expanded where it is spread. */
export interface OperationShape {
  depth: number;
  /** Aliased field selections: each one is another execution of its field. */
  aliases: number;
  /** Field selections in total (`__typename` included). */
  fields: number;
  rootFields: number;
  /** `__schema` or `__type` anywhere (`__typename` is not introspection of the schema). */
  introspection: boolean;
}

interface SetShape extends Omit<OperationShape, 'rootFields'> {
  /** Fields selected at this level itself (through fragments, not through other fields). */
  direct: number;
}

const EMPTY: SetShape = { depth: 0, aliases: 0, fields: 0, introspection: false, direct: 0 };

/**
 * Counts a selection set once per fragment (memoized), so a "fragment bomb" — fragments that
 * spread each other twice per level — costs linear time to count, while its expanded totals
 * (which grow exponentially) are what the limits see. A cyclic spread (invalid, but graphql-ws
 * may hand us a document before validation) counts as empty.
 */
function measureSet(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, SetShape>, active: Set<string>): SetShape {
  if (!set) return EMPTY;
  const out = { ...EMPTY };
  const add = (inner: SetShape, depthOffset: number, direct: number) => {
    out.depth = Math.max(out.depth, inner.depth + depthOffset);
    out.direct += direct;
    out.aliases += inner.aliases;
    out.fields += inner.fields;
    out.introspection ||= inner.introspection;
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value;
      add({ ...EMPTY, aliases: sel.alias ? 1 : 0, fields: 1, introspection: name === '__schema' || name === '__type' }, 1, 1);
      add(measureSet(sel.selectionSet, fragments, memo, active), 1, 0);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const inner = measureSet(sel.selectionSet, fragments, memo, active);
      add(inner, 0, inner.direct);
    } else {
      const name = sel.name.value;
      let shape = memo.get(name);
      if (!shape) {
        const fragment = fragments.get(name);
        if (!fragment || active.has(name)) continue;
        active.add(name);
        shape = measureSet(fragment.selectionSet, fragments, memo, active);
        active.delete(name);
        memo.set(name, shape);
      }
      add(shape, 0, shape.direct);
    }
  }
  return out;
}

/** The shape of one operation of a document (the one `operationName` names, or the only one). */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const memo = new Map<string, SetShape>();
  const { direct, ...shape } = measureSet(operation.selectionSet, fragments, memo, new Set());
  return { ...shape, rootFields: direct };
}

export interface OperationRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  limits: GraphqlLimits;
  /** Asked only when the operation introspects the schema (it may cost a token lookup). */
  isAuthenticated: () => Promise<boolean>;
}

const ENV = {
  depth: 'HPCG_GRAPHQL_MAX_DEPTH',
  aliases: 'HPCG_GRAPHQL_MAX_ALIASES',
  fields: 'HPCG_GRAPHQL_MAX_FIELDS',
  rootFields: 'HPCG_GRAPHQL_MAX_ROOT_FIELDS',
  complexity: 'HPCG_GRAPHQL_MAX_COMPLEXITY',
} as const;

function tooMuch(what: keyof typeof ENV, noun: string, value: number, max: number, operation: string): DomainError {
  return new DomainError(ErrorCode.LIMIT_EXCEEDED, `operation ${operation}: ${noun} ${value} exceeds the maximum of ${max} (${ENV[what]})`, {
    limit: ENV[what],
    value,
    max,
  });
}

/**
 * THE check of an operation's cost and introspection, for HTTP (Apollo plugin) and graphql-ws
 * (onSubscribe) alike, before any resolver runs. The document must already be valid against the
 * schema. Returns the refusal, or null when the operation may run.
 */
export async function checkOperation(req: OperationRequest): Promise<DomainError | null> {
  const { schema, document, limits } = req;
  const operation = getOperationAST(document, req.operationName ?? undefined);
  if (!operation) return null; // graphql-js reports the missing/ambiguous operation itself
  const label = operation.name ? `"${operation.name.value}"` : '(anonymous)';
  const shape = measureOperation(document, operation);

  if (shape.introspection && limits.introspection !== 'on') {
    if (limits.introspection === 'off') {
      return new DomainError(ErrorCode.FORBIDDEN, `operation ${label}: schema introspection (__schema, __type) is disabled on this gateway (HPCG_GRAPHQL_INTROSPECTION=off)`, {
        limit: 'HPCG_GRAPHQL_INTROSPECTION',
      });
    }
    if (!(await req.isAuthenticated())) {
      return new DomainError(ErrorCode.UNAUTHENTICATED, `operation ${label}: schema introspection (__schema, __type) needs a valid bearer token; __typename is allowed without one`, {
        limit: 'HPCG_GRAPHQL_INTROSPECTION',
      });
    }
  }
  if (shape.fields > limits.maxFields) return tooMuch('fields', 'field selections (fragments expanded)', shape.fields, limits.maxFields, label);
  if (shape.aliases > limits.maxAliases) return tooMuch('aliases', 'aliased fields (fragments expanded)', shape.aliases, limits.maxAliases, label);
  if (shape.rootFields > limits.maxRootFields) return tooMuch('rootFields', 'top-level fields', shape.rootFields, limits.maxRootFields, label);
  if (shape.depth > limits.maxDepth) return tooMuch('depth', 'depth', shape.depth, limits.maxDepth, label);

  const rootTypes = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t).map((t) => t!.name));
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      operationName: req.operationName ?? undefined,
      query: document,
      variables: req.variables ?? {},
      estimators: [operationCostEstimator(rootTypes), fieldExtensionsEstimator()],
    });
  } catch (e) {
    // Variables that do not coerce: execution would refuse them too, with the same message.
    return new DomainError(ErrorCode.BAD_USER_INPUT, `operation ${label}: ${(e as Error).message}`);
  }
  if (complexity > limits.maxComplexity) return tooMuch('complexity', 'complexity', complexity, limits.maxComplexity, label);
  return null;
}
