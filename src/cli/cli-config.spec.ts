import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliConfigError, loadCliConfig } from './cli-config';

describe('loadCliConfig', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'hpcg-cli-config-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const writeToken = (text: string) => {
    mkdirSync(join(home, '.config', 'hpcg'), { recursive: true });
    writeFileSync(join(home, '.config', 'hpcg', 'token'), text);
  };

  it('defaults to the gateway on this machine and no token', () => {
    expect(loadCliConfig({}, home)).toEqual({
      url: 'http://127.0.0.1:4000',
      graphqlUrl: 'http://127.0.0.1:4000/graphql',
      token: null,
      tokenFile: join(home, '.config', 'hpcg', 'token'),
    });
  });

  it('takes HPCG_URL without its trailing slash, keeping a path prefix', () => {
    expect(loadCliConfig({ HPCG_URL: 'https://hpc.example.org/gw/' }, home).graphqlUrl).toBe('https://hpc.example.org/gw/graphql');
  });

  it('prefers HPCG_TOKEN over the token file', () => {
    writeToken('from-file\n');
    expect(loadCliConfig({ HPCG_TOKEN: 'from-env' }, home).token).toBe('from-env');
    expect(loadCliConfig({}, home).token).toBe('from-file');
  });

  it('treats an empty token file as no token', () => {
    writeToken('  \n');
    expect(loadCliConfig({}, home).token).toBeNull();
  });

  it('refuses a URL that is not http(s), naming the variable', () => {
    expect(() => loadCliConfig({ HPCG_URL: 'ftp://x' }, home)).toThrow('HPCG_URL "ftp://x" uses ftp: only http and https are allowed');
    expect(() => loadCliConfig({ HPCG_URL: 'not a url' }, home)).toThrow(CliConfigError);
  });

  it('reports an unreadable token file by path', () => {
    const file = join(home, '.config', 'hpcg', 'token');
    mkdirSync(file, { recursive: true }); // a directory: unreadable as a file, even for root
    expect(() => loadCliConfig({}, home)).toThrow(`cannot read the token file ${file}`);
  });
});
