import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

// One folder for this file's site files, removed afterwards: tests leave nothing behind.
const dir = mkdtempSync(join(tmpdir(), 'hpcg-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function site(yaml: string): string {
  const folder = join(dir, String(++files));
  mkdirSync(folder);
  const file = join(folder, 'hpcg.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('configuration', () => {
  it('without a site file is a one-machine site: one local engine, one default partition "local"', () => {
    const c = loadConfig({ HPCG_CONFIG: undefined } as NodeJS.ProcessEnv);
    expect(c.engines.map((e) => [e.name, e.kind])).toEqual([['local', 'local']]);
    expect(c.partitions).toEqual([expect.objectContaining({ name: 'local', engine: 'local', default: true, maxTimeMinutes: -1 })]);
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/hpcg');
  });

  it('reads engines and partitions, parses Slurm times, interpolates ${VAR}', () => {
    const file = site(`
cluster: lab
engines:
  laptop: { kind: local, slots: 3, killWait: 5 }
partitions:
  - { name: debug, engine: laptop, maxTime: "1:00:00", defaultTime: "10" }
  - { name: long, engine: laptop, default: true, maxTime: "2-00:00:00", allowGroups: ["\${GROUP}"] }
`);
    const c = loadConfig({ HPCG_CONFIG: file, GROUP: 'hpcusers' });
    expect(c.cluster).toBe('lab');
    expect(c.engines[0]).toMatchObject({ name: 'laptop', slots: 3, killWait: 5 });
    expect(c.partitions.map((p) => [p.name, p.maxTimeMinutes, p.defaultTimeMinutes, p.default])).toEqual([
      ['debug', 60, 10, false],
      ['long', 2880, 2880, true],
    ]);
    expect(c.partitions[1].allowGroups).toEqual(['hpcusers']);
  });

  it.each([
    ['an unknown key', 'enginez: {}\n', /enginez/],
    ['a partition on an unknown engine', 'partitions:\n  - { name: p, engine: nope }\n', /partitions\.0\.engine: no engine "nope"/],
    ['two default partitions', 'partitions:\n  - { name: a, engine: local, default: true }\n  - { name: b, engine: local, default: true }\n', /only one may be default/],
    ['a bad time', 'partitions:\n  - { name: a, engine: local, maxTime: "soon" }\n', /partitions\.0\.maxTime/],
    ['a missing variable', 'cluster: "${NOPE_NOT_SET}"\n', /NOPE_NOT_SET is not set/],
    ['an unsupported engine kind', 'engines:\n  x: { kind: warp }\n', /engines\.x\.kind/],
    ['an unknown notebooks key', 'notebooks: { startTimeOut: 10 }\n', /notebooks: Unrecognized key: "startTimeOut"/],
    ['a notebook profile on an unknown partition', 'notebooks:\n  profiles: [{ name: small, partition: gpu, maxTime: "1:00:00" }]\n', /hpcg.yaml: notebooks\.profiles\.0\.partition: no partition "gpu" \(partitions: local\)/],
  ])('refuses %s and names the key', (_what, yaml, message) => {
    expect(() => loadConfig({ HPCG_CONFIG: site(yaml) })).toThrow(ConfigError);
    expect(() => loadConfig({ HPCG_CONFIG: site(yaml) })).toThrow(message);
  });

  it('reads notebook profiles with their defaults (notebook contract, "Site configuration")', () => {
    const c = loadConfig({
      HPCG_CONFIG: site(`
partitions:
  - { name: debug, engine: local, maxTime: "12:00:00" }
notebooks:
  ports: "9000-9999"
  profiles:
    - { name: small, partition: debug, memory: 2G, maxTime: "8:00:00", userOptions: { cpus: { min: 1, max: 4 } } }
`),
    });
    expect(c.notebooks).toMatchObject({ gatewayUrl: null, command: 'jupyterhub-singleuser', python: 'python3', ports: '9000-9999', startTimeoutSeconds: 300 });
    expect(c.notebooks.profiles).toEqual([
      expect.objectContaining({ name: 'small', cpus: 1, memoryMB: 2048, gpus: 0, maxTimeMinutes: 480, image: null, allowGroups: null, command: 'jupyterhub-singleuser', userOptions: expect.objectContaining({ cpus: { min: 1, max: 4 } }) }),
    ]);
    expect(loadConfig({ HPCG_CONFIG: undefined } as NodeJS.ProcessEnv).notebooks.profiles).toEqual([]);
  });

  it('refuses bad environment variables by name', () => {
    expect(() => loadConfig({ HPCG_PORT: 'eighty' })).toThrow(/HPCG_PORT/);
    expect(() => loadConfig({ HPCG_ADMIN_TOKEN: 'short' })).toThrow(/HPCG_ADMIN_TOKEN/);
    expect(() => loadConfig({ HPCG_CONFIG: '/nonexistent/hpcg.yaml' })).toThrow(/does not exist/);
  });

  it('reads the files the configuration names, and names the key of one it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-secret-'));
    writeFileSync(join(dir, 'bind'), 'service-secret\nignored\n');
    const directory = (extra: string) =>
      site(`directory: { url: "ldap://127.0.0.1:389", bindDn: "cn=svc,dc=x", userBase: "ou=people,dc=x", groupBase: "ou=groups,dc=x", ${extra} }`);
    expect(loadConfig({ HPCG_CONFIG: directory(`bindPasswordFile: "${join(dir, 'bind')}"`) }).site.directory?.bindPassword).toBe('service-secret');
    expect(() => loadConfig({ HPCG_CONFIG: directory(`bindPasswordFile: "${join(dir, 'missing')}"`) })).toThrow(/directory\.bindPasswordFile: cannot read .*missing: ENOENT/);
    expect(() => loadConfig({ HPCG_CONFIG: directory(`bindPassword: x, tls: { caFile: "${join(dir, 'ca.pem')}" }`) })).toThrow(ConfigError);
    expect(() => loadConfig({ HPCG_ADMIN_TOKEN_FILE: join(dir, 'nope') })).toThrow(/HPCG_ADMIN_TOKEN_FILE: cannot read/);
  });
});
