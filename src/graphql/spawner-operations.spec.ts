import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { operationErrors } from '../../test/graphql/validate-operation';

/**
 * The JupyterHub spawner's GraphQL operations (module-level strings in spawner/hpcg_spawner/) are valid
 * against schema.gql. Its own tests (pytest) talk to a fake gateway, which would not notice a rename.
 */
const ROOT = join(__dirname, '..', '..');
const PACKAGE = 'spawner/hpcg_spawner';

function spawnerOperations(): Record<string, string> {
  const files = readdirSync(join(ROOT, PACKAGE)).filter((f) => f.endsWith('.py')).map((f) => `${PACKAGE}/${f}`);
  const out = execFileSync('python3', [join(ROOT, 'test', 'graphql', 'extract-operations.py'), ...files], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string>;
}

describe("the spawner's GraphQL operations, against schema.gql", () => {
  const operations = spawnerOperations();

  it('are found (the extraction reads the spawner at all)', () => {
    expect(Object.keys(operations).length).toBeGreaterThanOrEqual(7);
  });

  it.each(Object.entries(operations))('%s', (name, query) => {
    const errors = operationErrors(query);
    if (errors.length) throw new Error(`${name} is an operation schema.gql refuses:\n${query}\n- ${errors.join('\n- ')}`);
  });
});
