import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DIST } from '../test/support/gateway-process';

/**
 * Each role loads only its own modules (issue 15: a restarted process must be useful within seconds,
 * and module loading is most of a start). Checked in a fresh process on the compiled build.
 */
describe('what each role loads', () => {
  const loaded = (role: 'api' | 'worker'): string[] => {
    const script = `require('reflect-metadata');
      const { AppModule } = require(${JSON.stringify(join(DIST, 'src', 'app.module.js'))});
      AppModule.${role}({});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  const packages = (files: string[], names: RegExp) => [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p): p is string => !!p && names.test(p)))].sort();
  const GRAPHQL = /^(graphql|@nestjs\/graphql|@nestjs\/apollo|@apollo\/server)$/;

  it('the worker loads no GraphQL, no resolver and no API-only module', () => {
    const files = loaded('worker');
    expect(packages(files, GRAPHQL)).toEqual([]);
    expect(files.filter((f) => /\.resolver\.js$|-api\.module\.js$|[/]api\.module\.js$/.test(f))).toEqual([]);
  });

  it('the API loads GraphQL and its resolvers, and not the queue consumers', () => {
    const files = loaded('api');
    expect(packages(files, GRAPHQL)).toEqual(['@apollo/server', '@nestjs/apollo', '@nestjs/graphql', 'graphql']);
    expect(files.some((f) => f.endsWith('jobs.resolver.js'))).toBe(true);
    expect(files.filter((f) => /[/]worker[/](processors|worker\.module)\.js$/.test(f))).toEqual([]);
  });
});
