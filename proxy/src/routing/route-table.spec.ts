import { UpstreamRegistry } from '../http/upstream';
import { Pool } from '../pool/pool';
import { metricLabel } from './route';
import { RouteTable, RouteTargetError } from './route-table';

function table(hostRouting = false) {
  const upstreams = new UpstreamRegistry({ maxSockets: 4, connectTimeoutMs: 1000 });
  const pool = new Pool('gw', { path: '/', interval: 1000, timeout: 500, rise: 2, fall: 2 }, [upstreams.acquire(new URL('http://10.0.0.1:4000'))]);
  return { t: new RouteTable(new Map([['gw', pool]]), upstreams, hostRouting), upstreams };
}

describe('RouteTable', () => {
  it('lets an API route override a configured one at the same path and falls back when it is removed', () => {
    const { t } = table();
    t.addConfigRoute('/', 'http://127.0.0.1:8081', 0);
    t.addConfigRoute('/graphql', 'pool:gw', 0);
    expect(t.match('/x')?.source).toBe('config');
    t.setApiRoute('/', { target: 'http://127.0.0.1:9999', jupyterhub: true }, 1);
    expect(t.match('/x')?.data).toEqual({ target: 'http://127.0.0.1:9999', jupyterhub: true });
    expect(t.match('/graphql/q')?.target.kind).toBe('pool');
    expect(t.visibleRoutes().map((r) => `${r.source}:${r.path}`).sort()).toEqual(['api:/', 'config:/graphql']);
    expect(t.removeApiRoute('/')).toBe(true);
    expect(t.match('/x')?.data.target).toBe('http://127.0.0.1:8081');
    expect(t.removeApiRoute('/graphql')).toBe(false);
  });

  it('stores API data without last_activity and adds host under host routing', () => {
    const { t } = table(true);
    const r = t.setApiRoute('/Alice.example.org/user', { target: 'http://127.0.0.1:1', last_activity: 'x' }, 5);
    expect(r.data).toEqual({ target: 'http://127.0.0.1:1', host: 'Alice.example.org' });
    expect(t.match('/alice.example.org/user/lab')).toBe(r);
  });

  it('rejects targets it cannot route, naming the problem', () => {
    const { t } = table();
    expect(() => t.checkTarget('pool:nope')).toThrow(new RouteTargetError('no pool "nope" (pools: gw)'));
    expect(() => t.setApiRoute('/x', { target: 'ftp://h' }, 0)).toThrow(RouteTargetError);
  });

  it('closes an upstream’s agent when its last route goes', () => {
    const { t, upstreams } = table();
    const before = upstreams.size;
    t.setApiRoute('/user/a', { target: 'http://127.0.0.1:7001' }, 0);
    t.setApiRoute('/user/a2', { target: 'http://127.0.0.1:7001/base' }, 0);
    expect(upstreams.size).toBe(before + 1);
    t.removeApiRoute('/user/a');
    expect(upstreams.size).toBe(before + 1);
    t.setApiRoute('/user/a2', { target: 'http://127.0.0.1:7002' }, 0);
    expect(upstreams.size).toBe(before + 1);
    t.removeApiRoute('/user/a2');
    expect(upstreams.size).toBe(before);
  });

  it('replaces the API routes from a reload, keeping unchanged routes and their newer activity', () => {
    const { t } = table();
    const kept = t.setApiRoute('/user/a', { target: 'http://127.0.0.1:1' }, 100);
    t.setApiRoute('/user/gone', { target: 'http://127.0.0.1:2' }, 0);
    t.replaceApiRoutes(
      new Map([
        ['/user/a', { data: { target: 'http://127.0.0.1:1' }, lastActivity: 50 }],
        ['/user/new', { data: { target: 'http://127.0.0.1:3' }, lastActivity: 7 }],
      ]),
    );
    expect(t.getApiRoute('/user/a')).toBe(kept);
    expect(kept.lastActivity).toBe(100);
    expect(t.getApiRoute('/user/gone')).toBeUndefined();
    expect(t.getApiRoute('/user/new')?.lastActivity).toBe(7);
  });
});

describe('metricLabel', () => {
  it.each([
    ['/graphql/v2', 'config', false, '/graphql/v2'],
    ['/', 'api', false, '/'],
    ['/hub', 'api', false, '/hub'],
    ['/user/alice', 'api', false, '/user/*'],
    ['/user/alice/lab', 'api', false, '/user/*'],
    ['/alice.example.org', 'api', true, '{host}/'],
    ['/alice.example.org/user/x', 'api', true, '{host}/user/*'],
  ] as const)('%s (%s, host routing %s) -> %s', (path, source, hostRouting, label) => {
    expect(metricLabel(path, source, hostRouting)).toBe(label);
  });
});
