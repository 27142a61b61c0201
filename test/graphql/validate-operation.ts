import { buildSchema, getOperationAST, getVariableValues, GraphQLSchema, parse, validate } from 'graphql';
import { committedSchema } from './schema-file';

let schema: GraphQLSchema | undefined;

/** schema.gql as graphql-js sees it; the clients' operations are checked against this, not a copy. */
export function schemaGql(): GraphQLSchema {
  return (schema ??= buildSchema(committedSchema()));
}

/**
 * What is wrong with an operation a client sends, against schema.gql: parse and validation errors, and
 * (when given) variables its declared types refuse, as the server would coerce them. Empty when fine.
 */
export function operationErrors(query: string, variables?: Record<string, unknown>): string[] {
  let document;
  try {
    document = parse(query);
  } catch (e) {
    return [(e as Error).message];
  }
  const errors = validate(schemaGql(), document).map((e) => e.message);
  if (errors.length || variables === undefined) return errors;
  const operation = getOperationAST(document);
  if (!operation) return ['not exactly one operation'];
  // Over the wire, as JSON: undefined members are not sent.
  const sent = JSON.parse(JSON.stringify(variables)) as Record<string, unknown>;
  const coerced = getVariableValues(schemaGql(), operation.variableDefinitions ?? [], sent, { maxErrors: 10 });
  return 'errors' in coerced && coerced.errors ? coerced.errors.map((e) => e.message) : [];
}
