import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The committed schema, at the top of the repository. */
export const SCHEMA_FILE = join(__dirname, '..', '..', 'schema.gql');

export function committedSchema(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

/**
 * Why a stale-schema test failed: where schema.gql and `source`'s schema first differ, and how to fix
 * it, so the failure is actionable without diffing by hand.
 */
export function staleSchemaMessage(source: string, committed: string, actual: string): string {
  const a = committed.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [
    `schema.gql is stale: it differs from ${source}. Regenerate it with \`npm run schema\` and commit it.`,
    `first difference at line ${i + 1}:`,
    `  schema.gql: ${a[i] ?? '(end of file)'}`,
    `  expected:   ${b[i] ?? '(end of file)'}`,
  ].join('\n');
}
