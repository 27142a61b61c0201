import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliConfigError, loadCliConfig, type CliConfigOptions } from './cli-config';

/**
 * Files are checked against a uid: these tests run as root, and pass the uid of the user they play
 * (files they write belong to root, uid 0, unless chowned).
 */
describe('loadCliConfig', () => {
  let dir: string;
  let home: string;
  let systemFile: string;
  const ME = 0;
  const opts = (extra: CliConfigOptions = {}): CliConfigOptions => ({ uid: ME, systemFile, ...extra });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-cli-config-'));
    home = join(dir, 'home');
    systemFile = join(dir, 'etc', 'cli.yaml');
    mkdirSync(home);
    mkdirSync(join(dir, 'etc'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (path: string, text: string, mode = 0o644) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };
  const userFile = (name: string) => join(home, '.config', 'hpcg', name);
  const writeToken = (text: string, mode = 0o600) => write(userFile('token'), text, mode);

  it('defaults to the gateway on this machine and no token', () => {
    expect(loadCliConfig({}, home, opts())).toEqual({
      url: 'http://127.0.0.1:4000',
      graphqlUrl: 'http://127.0.0.1:4000/graphql',
      urlSource: 'the default',
      token: null,
      tokenFile: userFile('token'),
      actAs: null,
    });
  });

  it('takes HPCG_URL without its trailing slash, keeping a path prefix', () => {
    expect(loadCliConfig({ HPCG_URL: 'https://hpc.example.org/gw/' }, home, opts()).graphqlUrl).toBe('https://hpc.example.org/gw/graphql');
  });

  it('finds the URL like Slurm finds slurm.conf: HPCG_URL > the shim > the user\'s cli.yaml > the system file > the default', () => {
    write(systemFile, '# site\nurl: https://site.example.org\n');
    expect(loadCliConfig({}, home, opts())).toMatchObject({ url: 'https://site.example.org', urlSource: `${systemFile} (key "url")` });
    write(userFile('cli.yaml'), "url: 'https://mine.example.org:8443/'\n");
    expect(loadCliConfig({}, home, opts()).url).toBe('https://mine.example.org:8443');
    expect(loadCliConfig({ HPCG_SHIM_URL: 'http://shim:1' }, home, opts()).url).toBe('http://shim:1');
    expect(loadCliConfig({ HPCG_SHIM_URL: 'http://shim:1', HPCG_URL: 'http://env:2' }, home, opts())).toMatchObject({ url: 'http://env:2', urlSource: 'HPCG_URL' });
  });

  it('reads and checks every file even when a variable decides, as Slurm always reads slurm.conf', () => {
    write(systemFile, 'url: http://site:1\n', 0o666);
    expect(() => loadCliConfig({ HPCG_URL: 'http://env:2' }, home, opts())).toThrow(`${systemFile} is writable by others`);
  });

  it('HPCG_CONF names the system file (like SLURM_CONF), and then it must exist', () => {
    const other = write(join(dir, 'other.yaml'), 'url: http://other:4000\n');
    expect(loadCliConfig({ HPCG_CONF: other }, home, opts()).url).toBe('http://other:4000');
    expect(() => loadCliConfig({ HPCG_CONF: join(dir, 'missing.yaml') }, home, opts())).toThrow(`${join(dir, 'missing.yaml')} (named by HPCG_CONF) does not exist`);
  });

  it('respects an absolute XDG_CONFIG_HOME for cli.yaml and the token, and ignores a relative one (the XDG rule)', () => {
    const xdg = join(dir, 'xdg');
    write(join(xdg, 'hpcg', 'cli.yaml'), 'url: http://xdg:1\n');
    write(join(xdg, 'hpcg', 'token'), 'xdg-token\n', 0o600);
    expect(loadCliConfig({ XDG_CONFIG_HOME: xdg }, home, opts())).toMatchObject({ url: 'http://xdg:1', token: 'xdg-token', tokenFile: join(xdg, 'hpcg', 'token') });
    expect(loadCliConfig({ XDG_CONFIG_HOME: 'relative/dir' }, home, opts()).tokenFile).toBe(userFile('token'));
  });

  it('prefers HPCG_TOKEN over the token file', () => {
    writeToken('from-file\n');
    expect(loadCliConfig({ HPCG_TOKEN: 'from-env' }, home, opts()).token).toBe('from-env');
    expect(loadCliConfig({}, home, opts()).token).toBe('from-file');
  });

  it('treats an empty token file as no token', () => {
    writeToken('  \n');
    expect(loadCliConfig({}, home, opts()).token).toBeNull();
  });

  it('takes HPCG_ACT_AS as the user a service token acts for, and refuses what is not a user name', () => {
    expect(loadCliConfig({ HPCG_ACT_AS: 'alice' }, home, opts()).actAs).toBe('alice');
    expect(() => loadCliConfig({ HPCG_ACT_AS: 'alice\nx-other: 1' }, home, opts())).toThrow('HPCG_ACT_AS "alice\nx-other: 1" is not a user name');
  });

  it('refuses a URL that is not http(s) or carries credentials, naming where it came from', () => {
    expect(() => loadCliConfig({ HPCG_URL: 'ftp://x' }, home, opts())).toThrow('HPCG_URL: "ftp://x" uses ftp: only http and https are allowed');
    expect(() => loadCliConfig({ HPCG_URL: 'not a url' }, home, opts())).toThrow(CliConfigError);
    write(systemFile, 'url: https://user:secret@site\n');
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${systemFile} (key "url"): the URL carries a user name or password`);
  });

  it('refuses unknown keys and any token in a settings file, naming the file, the key and what is allowed', () => {
    write(systemFile, 'url: http://a:1\nurl_typo: x\n');
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${systemFile}: unknown key "url_typo"; allowed: url`);
    write(systemFile, 'token: abc\n');
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${systemFile}: key "token" is not allowed: a token is personal and goes in the token file`);
    write(userFile('cli.yaml'), 'token: abc\n', 0o600);
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${userFile('cli.yaml')}: key "token" is not allowed`);
  });

  it('reports YAML beyond the flat subset by file and line', () => {
    write(systemFile, 'url:\n  - http://a\n');
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${systemFile}, line 1: "url" has no value`);
  });

  it('reports an unreadable token file by path', () => {
    mkdirSync(userFile('token'), { recursive: true }); // a directory: unreadable as a file, even for root
    expect(() => loadCliConfig({}, home, opts())).toThrow(`${userFile('token')} is not a regular file`);
  });

  describe('attacks', () => {
    const SECRET = 'hpcg_bob_secret_token_0123456789';

    it('a token file that others can read is refused (like ssh refuses a private key), and its token is not used', () => {
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        writeToken(`${SECRET}\n`, mode);
        expect(() => loadCliConfig({}, home, opts())).toThrow(
          `the token file ${userFile('token')} is accessible by others (mode 0${mode.toString(8)}): a token must be readable only by its owner; run "chmod 600 ${userFile('token')}"`,
        );
      }
    });

    it("another user's token file is never used, even one left readable (HOME or XDG_CONFIG_HOME pointed at their folder)", () => {
      const bobHome = join(dir, 'bob');
      const bobToken = write(join(bobHome, '.config', 'hpcg', 'token'), `${SECRET}\n`, 0o600);
      chownSync(bobToken, 1005, 1005);
      // Root plays alice (uid 1004): the open succeeds (root reads anything), the ownership check refuses.
      expect(() => loadCliConfig({}, bobHome, opts({ uid: 1004 }))).toThrow(`the token file ${bobToken} belongs to uid 1005, not to you (uid 1004)`);
      expect(() => loadCliConfig({ XDG_CONFIG_HOME: join(bobHome, '.config') }, home, opts({ uid: 1004 }))).toThrow('belongs to uid 1005');
    });

    it("pointing HPCG_CONF at another user's token file neither uses nor shows the token", () => {
      const bobToken = write(join(dir, 'bob-token'), `${SECRET}\n`, 0o644);
      chownSync(bobToken, 1005, 1005);
      let message = '';
      try {
        loadCliConfig({ HPCG_CONF: bobToken }, home, opts({ uid: 1004 }));
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toBe(`${bobToken} belongs to uid 1005, not to root or to you (uid 1004): whoever owns it decides where your token is sent; allowed: owned by root or by you`);
      // Even a file the caller may use as settings: a token in it is named by its key, never quoted.
      const mine = write(join(dir, 'mine'), `${SECRET}\n`, 0o600);
      expect(() => loadCliConfig({ HPCG_CONF: mine }, home, opts())).toThrow(CliConfigError);
      try {
        loadCliConfig({ HPCG_CONF: mine }, home, opts());
      } catch (err) {
        expect((err as Error).message).not.toContain(SECRET);
      }
    });

    it('a settings file that others can write (who could send your token to their server) is refused', () => {
      write(systemFile, 'url: http://evil:1\n', 0o666);
      expect(() => loadCliConfig({}, home, opts())).toThrow(`${systemFile} is writable by others (mode 0666): whoever can write it decides where your token is sent`);
      write(systemFile, 'url: http://evil:1\n', 0o644);
      chownSync(systemFile, 1005, 1005);
      expect(() => loadCliConfig({}, home, opts({ uid: 1004 }))).toThrow(`${systemFile} belongs to uid 1005, not to root or to you (uid 1004)`);
      // Owned by root, read-only to others: the site's file, fine for every user.
      chownSync(systemFile, 0, 0);
      expect(loadCliConfig({}, home, opts({ uid: 1004 })).url).toBe('http://evil:1');
    });
  });
});
