import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyConfigError, defaultKeyPrefix, loadProxyConfig } from './load-config';

const TOKEN = { CONFIGPROXY_AUTH_TOKEN: 'a-token-of-sixteen+' };

describe('loadProxyConfig', () => {
  let dir: string;
  const write = (yaml: string) => {
    const file = join(dir, 'hpcg.yaml');
    writeFileSync(file, yaml);
    return file;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hpcg-proxy-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ProxyConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ProxyConfigError');
  };

  it('works with no file at all: one-machine defaults, Redis store', () => {
    const c = loadProxyConfig({}, { ...TOKEN, HPCG_CONFIG: '' });
    expect(c.configFile).toBeNull();
    expect(c.listen).toEqual({ host: '0.0.0.0', port: 8000 });
    expect(c.api).toEqual({ host: '127.0.0.1', port: 8001 });
    expect(c.metrics).toEqual({ host: '127.0.0.1', port: 8002 });
    expect(c.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: defaultKeyPrefix(TOKEN.CONFIGPROXY_AUTH_TOKEN), keyPrefixDerived: true, resyncMs: 30_000, activityFlushMs: 1000 });
    expect(c.timeouts).toMatchObject({ connectMs: 5000, upstreamMs: 300_000, responseHeadersMs: 30_000, keepAliveMs: 5000, websocketIdleMs: 0 });
    expect(c.limits.maxApiBodyBytes).toBe(1024 * 1024);
  });

  it('reads the DESIGN.md example, ignoring the gateway’s sections and their secrets', () => {
    const file = write(`
directory:
  bindPassword: \${HPCG_LDAP_BIND_PASSWORD}
proxy:
  http:
    listen: 0.0.0.0:8000
    api: 127.0.0.1:8001
    store: redis
    pools:
      gateway: { members: [http://10.0.0.11:4000, http://10.0.0.12:4000], check: { path: /healthz, interval: 2s, timeout: 1s, rise: 2, fall: 2 } }
    routes: { /graphql: pool:gateway }
  ssh:
    listen: 0.0.0.0:22
    policy: least-loaded
    check: { interval: 2s, timeout: 1s, rise: 2, fall: 2 }
    probe: { user: monitor, keyFile: ${join(dir, 'probe_key')}, command: "cat /proc/loadavg; nproc; who | wc -l", interval: 10s }
    nodes:
      - { name: login1, host: 10.0.1.1, port: 22, weight: 1 }
      - { name: login2, host: 10.0.1.2, port: 22, weight: 1 }
`);
    writeFileSync(join(dir, 'probe_key'), 'KEY');
    const c = loadProxyConfig({ config: file }, TOKEN);
    expect(c.ssh).toMatchObject({
      listen: { host: '0.0.0.0', port: 22 },
      policy: 'least-loaded',
      check: { interval: 2000, timeout: 1000, rise: 2, fall: 2 },
      probe: { user: 'monitor', interval: 10_000, timeout: 5000, maxAge: 60_000, userLoad: 0.1, privateKey: Buffer.from('KEY') },
      timeouts: { connect: 3000, idle: 0 },
      nodes: [{ name: 'login1', host: '10.0.1.1', port: 22, weight: 1 }, { name: 'login2', host: '10.0.1.2', port: 22, weight: 1 }],
    });
    expect(c.pools).toEqual([{ name: 'gateway', members: ['http://10.0.0.11:4000', 'http://10.0.0.12:4000'], check: { path: '/healthz', interval: 2000, timeout: 1000, rise: 2, fall: 2 } }]);
    expect(c.routes).toEqual([{ path: '/graphql', target: 'pool:gateway' }]);
  });

  it('names the key of every problem', () => {
    const file = write(`
proxy:
  http:
    listen: nowhere
    pools:
      gw: { members: [], check: { interval: 2, timeout: 5s } }
    routes: { /x: 'pool:missing', /y: 'ftp://h' }
    unknownKey: 1
`);
    const message = error(() => loadProxyConfig({ config: file }, TOKEN));
    expect(message).toContain(`${file}: proxy.http.listen: an address like 0.0.0.0:8000`);
    expect(message).toContain(`${file}: proxy.http.pools.gw.members: a pool needs at least one member`);
    expect(message).toContain(`${file}: proxy.http.pools.gw.check.interval: a duration with a unit`);
    expect(message).toContain(`${file}: proxy.http.routes./y: "ftp://h" uses ftp`);
    expect(message).toContain('(unknownKey)');
  });

  it('checks the SSH front: nodes, names, policy, probe and its key file', () => {
    const file = write(`
proxy:
  ssh:
    policy: fastest
    check: { interval: 1s, timeout: 2s }
    timeouts: { connect: 5 }
    nodes:
      - { name: login1, host: "bad host", port: 70000 }
      - { name: login1, host: 10.0.1.2, weight: 0 }
`);
    const message = error(() => loadProxyConfig({ config: file }, TOKEN));
    expect(message).toContain('proxy.ssh.policy: Invalid option: expected one of "least-loaded"|"least-connections"|"round-robin"');
    expect(message).toContain('proxy.ssh.check.timeout: must be between 10ms and the check interval');
    expect(message).toContain('proxy.ssh.timeouts.connect: a duration with a unit');
    expect(message).toContain('proxy.ssh.nodes.0.host: a host name or an IP address');
    expect(message).toContain('proxy.ssh.nodes.0.port: Too big');
    expect(message).toContain('proxy.ssh.nodes.1.weight: Too small');

    const dup = write(`
proxy:
  ssh:
    nodes: [{ name: login1, host: 10.0.1.1 }, { name: login1, host: 10.0.1.2 }]
`);
    const dupMessage = error(() => loadProxyConfig({ config: dup }, TOKEN));
    expect(dupMessage).toContain('proxy.ssh.nodes.1.name: node name "login1" is used twice');
    expect(dupMessage).toContain('proxy.ssh.probe: the least-loaded policy needs a load probe (user, keyFile); or choose policy least-connections or round-robin');
    expect(error(() => loadProxyConfig({ config: write('proxy:\n  ssh: { nodes: [] }\n') }, TOKEN))).toContain('proxy.ssh.nodes: the SSH front needs at least one login node');

    const noKey = write(`
proxy:
  ssh:
    probe: { user: monitor, keyFile: /nonexistent/key }
    nodes: [{ name: login1, host: 10.0.1.1 }]
`);
    expect(error(() => loadProxyConfig({ config: noKey }, TOKEN))).toMatch(/proxy\.ssh\.probe\.keyFile: cannot read \/nonexistent\/key: ENOENT/);
    const rr = write('proxy:\n  ssh: { policy: round-robin, nodes: [{ name: login1, host: 10.0.1.1 }] }\n');
    expect(loadProxyConfig({ config: rr }, TOKEN).ssh).toMatchObject({ policy: 'round-robin', probe: null, listen: { host: '0.0.0.0', port: 22 } });
    expect(error(() => loadProxyConfig({ config: rr, workers: 2 }, TOKEN))).toContain('--workers: the SSH front (proxy.ssh) chooses nodes from one view of every connection and runs in a single process: use one worker');
  });

  it('checks that routed pools exist and check timeouts fit their interval', () => {
    const file = write(`
proxy:
  http:
    pools: { gw: { members: [http://a:1], check: { interval: 1s, timeout: 2s } } }
    routes: { /x: 'pool:missing' }
`);
    const message = error(() => loadProxyConfig({ config: file }, TOKEN));
    expect(message).toContain('proxy.http.pools.gw.check.timeout: must be between 10ms and the check interval');
    expect(message).toContain('proxy.http.routes./x: no pool "missing" (pools: gw)');
  });

  it('replaces ${VAR} in the proxy section from the environment, and says which is missing', () => {
    const file = write('proxy:\n  http:\n    defaultTarget: http://${HUB_HOST}:8081\n');
    expect(loadProxyConfig({ config: file }, { ...TOKEN, HUB_HOST: 'hub' }).defaultTarget).toBe('http://hub:8081');
    expect(error(() => loadProxyConfig({ config: file }, TOKEN))).toContain('proxy.http.defaultTarget: environment variable HUB_HOST is not set');
  });

  it('lets flags override the file, with CHP’s api port = port + 1 unless the file sets the API address', () => {
    const bare = write('proxy:\n  http:\n    store: memory\n');
    const c = loadProxyConfig({ config: bare, port: 9000, ip: '*', proxyTimeout: 1234, xForward: false, logLevel: 'debug' }, TOKEN);
    expect(c.listen).toEqual({ host: '', port: 9000 });
    expect(c.api.port).toBe(9001);
    expect([c.timeouts.upstreamMs, c.xForward, c.logLevel]).toEqual([1234, false, 'debug']);
    expect(loadProxyConfig({ config: bare, responseHeaderTimeout: 0 }, TOKEN).timeouts.responseHeadersMs).toBe(0);
    const timeouts = write('proxy:\n  http:\n    timeouts: { responseHeaders: 1500ms }\n');
    expect(loadProxyConfig({ config: timeouts }, TOKEN).timeouts.responseHeadersMs).toBe(1500);
    expect(loadProxyConfig({ config: timeouts, responseHeaderTimeout: 700 }, TOKEN).timeouts.responseHeadersMs).toBe(700);
    const withApi = write('proxy:\n  http:\n    api: 127.0.0.1:7001\n');
    expect(loadProxyConfig({ config: withApi, port: 9000 }, TOKEN).api.port).toBe(7001);
  });

  it('requires an API token of at least 16 characters, from the environment or a file', () => {
    expect(error(() => loadProxyConfig({}, { HPCG_CONFIG: '' }))).toContain('set CONFIGPROXY_AUTH_TOKEN');
    expect(error(() => loadProxyConfig({}, { CONFIGPROXY_AUTH_TOKEN: 'short' }))).toContain('at least 16 characters');
    writeFileSync(join(dir, 'token'), 'from-a-file-0123456789\n');
    const file = write(`proxy:\n  http:\n    authTokenFile: ${join(dir, 'token')}\n`);
    expect(loadProxyConfig({ config: file }, {}).authToken).toBe('from-a-file-0123456789');
  });

  it('refuses both an error target and an error path', () => {
    expect(error(() => loadProxyConfig({ errorTarget: 'http://h/', errorPath: '/tmp' }, TOKEN))).toContain('--error-target and --error-path are alternatives');
    expect(error(() => loadProxyConfig({ defaultTarget: 'localhost:8081' }, TOKEN))).toContain('invalid option --default-target: "localhost:8081" is not a URL');
  });

  it('says so when HPCG_CONFIG or --config names a missing file', () => {
    expect(error(() => loadProxyConfig({}, { ...TOKEN, HPCG_CONFIG: join(dir, 'nope.yaml') }))).toContain('HPCG_CONFIG names');
    expect(error(() => loadProxyConfig({ config: join(dir, 'nope.yaml') }, TOKEN))).toContain('--config names');
  });

  it('takes the Redis URL from the file, else REDIS_URL', () => {
    expect(loadProxyConfig({}, { ...TOKEN, REDIS_URL: 'redis://r:6380' }).store).toMatchObject({ kind: 'redis', url: 'redis://r:6380' });
    const file = write('proxy:\n  http:\n    redis: { url: "redis://file:6381", keyPrefix: "site1:" }\n');
    expect(loadProxyConfig({ config: file }, { ...TOKEN, REDIS_URL: 'redis://r:6380' }).store).toMatchObject({ url: 'redis://file:6381', keyPrefix: 'site1:', keyPrefixDerived: false });
  });

  it('names the Redis route table after the API token unless keyPrefix is set, so unrelated proxies never share one', () => {
    const prefix = (token: string, file?: string) => {
      const store = loadProxyConfig({ config: file }, { CONFIGPROXY_AUTH_TOKEN: token, HPCG_CONFIG: '' }).store;
      return store.kind === 'redis' ? store.keyPrefix : null;
    };
    const hubA = prefix('token-of-hub-a-0123456789');
    expect(hubA).toMatch(/^hpcg:proxy:[0-9a-f]{16}:$/);
    expect(hubA).not.toContain('token-of-hub-a');
    expect(prefix('token-of-hub-a-0123456789')).toBe(hubA); // replicas of one deployment share it
    expect(prefix('token-of-hub-b-0123456789')).not.toBe(hubA);
    // The old shared default still works when written out.
    expect(prefix('token-of-hub-b-0123456789', write('proxy:\n  http:\n    redis: { keyPrefix: "hpcg:proxy:" }\n'))).toBe('hpcg:proxy:');
  });

  it('reads proxy.http.trustedProxies (none by default) and names the entry that is not an address block', () => {
    expect(loadProxyConfig({}, { ...TOKEN, HPCG_CONFIG: '' }).trustedProxies).toEqual([]);
    const ok = write('proxy:\n  http:\n    trustedProxies: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]\n');
    expect(loadProxyConfig({ config: ok }, TOKEN).trustedProxies).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    const bad = write('proxy:\n  http:\n    trustedProxies: ["10.0.0.0/8", "10.0.0.1/8", "lb.example.org", "::/129"]\n');
    const message = error(() => loadProxyConfig({ config: bad }, TOKEN));
    expect(message).toContain(`${bad}: proxy.http.trustedProxies.1: "10.0.0.1/8": bits are set past the /8 prefix`);
    expect(message).toContain(`${bad}: proxy.http.trustedProxies.2: "lb.example.org": not an IPv4 or IPv6 address`);
    expect(message).toContain(`${bad}: proxy.http.trustedProxies.3: "::/129": the prefix length must be a number from 0 to 128`);
    expect(message).not.toContain('trustedProxies.0');
  });
});
