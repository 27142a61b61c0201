import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SCHEMA_RESOLVERS } from './schema-resolvers';
import { buildSchemaSdl } from './schema-sdl';
import { committedSchema, staleSchemaMessage } from '../../test/graphql/schema-file';

describe('schema.gql', () => {
  it('is what the resolvers print (`npm run schema` regenerates it)', async () => {
    const committed = committedSchema();
    const printed = await buildSchemaSdl();
    if (printed !== committed) throw new Error(staleSchemaMessage('the resolvers (src/graphql/schema-sdl.ts)', committed, printed));
  });

  // The running API finds resolvers in module providers; a resolver missing from the list would be served
  // but not printed. schema.int-spec.ts proves it over the wire; this says which class, in a unit test.
  it('is printed from every @Resolver class under src/', () => {
    const src = join(__dirname, '..');
    const listed = new Set(SCHEMA_RESOLVERS.map((r) => r.name));
    const missing: string[] = [];
    for (const file of sourceFiles(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^@Resolver\(.*\)\s*\nexport class (\w+)/gm)) {
        if (!listed.has(m[1])) missing.push(`${m[1]} (${relative(src, file)})`);
      }
    }
    expect(listed.size).toBeGreaterThan(0);
    if (missing.length) throw new Error(`resolver classes missing from SCHEMA_RESOLVERS (src/graphql/schema-resolvers.ts): ${missing.join(', ')}`);
  });
});

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.isFile() && e.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(e.name)) yield p;
  }
}
