/**
 * Stack traces that name the TypeScript sources, not the bundle. Node's --enable-source-maps does not
 * apply to code compiled through `vm` (run-bundle.ts compiles the bundle that way to use a code cache),
 * and it would parse the whole map at start-up. Here the map is read on the first stack trace that
 * passes through the bundle, and each frame in it is rewritten with Node's own SourceMap reader.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

export function mapBundleStacks(bundleFile: string): void {
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null; // no map beside the bundle: frames keep the bundle's positions
      }
    }
    return map;
  };

  const frame = (site: NodeJS.CallSite): string => {
    const text = site.toString();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (site.getFileName() !== bundleFile || line === null || column === null) return text;
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return text;
    const source = resolve(dirname(bundleFile), entry.originalSource);
    return text.replace(`${bundleFile}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return header + sites.map((site) => `\n    at ${frame(site)}`).join('');
  };
}
