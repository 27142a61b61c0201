/**
 * No module of the CLI may import itself back through others: the command files once imported
 * program.ts for its types while program.ts imported them (issue 14). Type-only imports count, as
 * they do for a reader. This walks src/cli's relative imports; it can be replaced by the linter's
 * import-cycle rule once ESLint runs in `npm test` (issue 14, item 6).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const CLI_ROOT = __dirname;

/** Static `import … from './x'`, `export … from './x'` and dynamic `import('./x')`, relative only. */
const IMPORT_PATTERN = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The relative imports of each file that resolve to a file of the same tree. */
function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const resolveImport = (from: string, spec: string) =>
    [`${spec}.ts`, join(spec, 'index.ts')].map((p) => resolve(dirname(from), p)).find((p) => known.has(p));
  return new Map(
    files.map((file) => [
      file,
      [...read(file).matchAll(IMPORT_PATTERN)].map((m) => resolveImport(file, m[1])).filter((p): p is string => p !== undefined),
    ]),
  );
}

/**
 * The cycles a depth-first walk meets (at least one whenever the graph has any), each as the files
 * on it with the first repeated at the end.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) {
      cycles.push([...path.slice(onPath), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

describe('import cycles in src/cli', () => {
  it('finds a cycle, naming its files, and none in an acyclic graph', () => {
    const graph = new Map([
      ['program', ['commands/squeue', 'errors']],
      ['commands/squeue', ['errors', 'program']],
      ['errors', []],
    ]);
    expect(findCycles(graph)).toEqual([['program', 'commands/squeue', 'program']]);
    expect(findCycles(new Map([['program', ['program-parts']], ['commands/squeue', ['program-parts']], ['program-parts', []]]))).toEqual([]);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((n) => resolve('/cli', `${n}.ts`));
    const text: Record<string, string> = {
      [files[0]]: "import type { B } from './b';\nexport { C } from './c';\nconst d = await import('./d');\nimport './e';\nimport { x } from 'node:fs';",
    };
    expect(importGraph(files, (f) => text[f] ?? '').get(files[0])).toEqual(files.slice(1));
  });

  it('has none', () => {
    const graph = importGraph(sourceFiles(CLI_ROOT), (file) => readFileSync(file, 'utf8'));
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(CLI_ROOT, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
