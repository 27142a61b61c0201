// `npm run schema`: write the API's schema to the committed schema.gql (path given as the argument).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildSchemaSdl } from './schema-sdl';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/src/graphql/print-schema.js <schema.gql>');
  writeFileSync(out, await buildSchemaSdl());
  process.stderr.write(`[hpcg] wrote ${out}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
