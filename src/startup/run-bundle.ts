/**
 * What every executable (src/bin/*.ts) does: run its bundle, dist/bundle/NAME.js, built by
 * scripts/lib.js from tsc's output. A bundle is one file, so starting costs one read instead of
 * resolving and reading a few thousand modules; it is compiled with this user's V8 code cache
 * (compile-cache.ts), so most of its functions need no parsing either.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, Script } from 'node:vm';
import { packageRoot } from '../common/package-files';
import { mapBundleStacks } from './bundle-stacks';
import { cacheFile, compileCacheDir, readCache, writeCache } from './compile-cache';

export interface RunBundleOptions {
  /** The cache's name when runs of one bundle differ enough to deserve caches of their own (default: the bundle's). */
  cacheName?: string;
  /**
   * A long-running process also stores its cache this long after start, once its start-up code has been
   * compiled (a crash or SIGKILL would otherwise lose it); every process stores it on exit.
   */
  storeAfterMs?: number;
}

type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

export function runBundle(name: string, options: RunBundleOptions = {}): void {
  const file = join(packageRoot(), 'dist', 'bundle', `${name}.js`);
  const bytes = readFileSync(file);
  const cacheName = options.cacheName ?? name;
  const cacheDir = compileCacheDir();
  const cache = cacheDir === null ? null : cacheFile(cacheDir, cacheName, bytes);
  const cachedData = cache === null ? undefined : readCache(cache);

  // The bundle keeps its entry's `#!` line, which is only valid at the very start of a script.
  let source = bytes.toString('utf8');
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // Optional packages that are ES modules (bullmq's sandboxed processors) are loaded with import().
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  mapBundleStacks(file);

  if (cache !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Taken after the code ran, the cache also holds the functions compiled lazily while it ran.
    let stored = false;
    const store = () => {
      if (stored) return;
      stored = true;
      writeCache(cache, cacheName, script.createCachedData());
    };
    process.once('exit', store);
    if (options.storeAfterMs !== undefined) setTimeout(store, options.storeAfterMs).unref();
  }

  const module = new Module(file, require.main);
  module.filename = file;
  const wrapper = script.runInThisContext() as CommonJsWrapper;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
}
