import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { SCHEMA_RESOLVERS } from './schema-resolvers';

/** Why the file exists and how to refresh it: a reader of schema.gql (or of a stale-schema failure) needs both. */
export const SCHEMA_FILE_HEADER = [
  '# The GraphQL API of hpc-gateway, printed from its resolvers (src/graphql/schema-resolvers.ts).',
  '# Generated: do not edit. Regenerate with `npm run schema`; a test fails when this file is stale.',
  '',
  '',
].join('\n');

/**
 * The schema's SDL as the API serves it (graphql-api.module.ts sets `sortSchema`), built from the
 * resolver classes alone: a Nest context holding only the schema builder, no database, no Redis.
 */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(SCHEMA_RESOLVERS);
    return SCHEMA_FILE_HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
  } finally {
    await app.close();
  }
}
