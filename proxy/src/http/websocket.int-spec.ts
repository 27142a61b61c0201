import { waitFor, sleep } from '../../../test/proxy/http-client';
import { freePort } from '../../../test/proxy/http-upstream';
import { type RunningProxy, startProxy } from '../../../test/proxy/proxy-harness';
import { type WsUpstream, nextMessage, openWs, startWsUpstream } from '../../../test/proxy/ws-upstream';

describe('websocket proxying', () => {
  let a: WsUpstream;
  let b: WsUpstream;
  let proxy: RunningProxy;
  let wsBase: string;

  beforeAll(async () => {
    a = await startWsUpstream('a');
    b = await startWsUpstream('b');
    proxy = await startProxy({
      routes: { '/ws': a.url, '/balanced': 'pool:pair' },
      pools: { pair: { members: [a.url, b.url], check: { path: '/healthz', interval: '10s' } } },
    });
    wsBase = proxy.publicUrl.replace('http:', 'ws:');
  });
  afterAll(async () => {
    await proxy.stop();
    await a.close();
    await b.close();
  });

  it('proxies the handshake with full path, query and X-Forwarded-For, then text and binary frames both ways', async () => {
    const ws = await openWs(`${wsBase}/ws/kernels/k1/channels?session_id=s1`);
    try {
      const upgrade = a.upgrades.at(-1)!;
      expect(upgrade.url).toBe('/ws/kernels/k1/channels?session_id=s1');
      expect(upgrade.headers['x-forwarded-for']).toBe('127.0.0.1');
      ws.send('hello');
      expect(String((await nextMessage(ws)).data)).toBe('a: hello');
      ws.send(Buffer.from([0, 1, 2, 255]));
      const bin = await nextMessage(ws);
      expect(bin.isBinary).toBe(true);
      expect([...bin.data]).toEqual([...Buffer.from('a: '), 0, 1, 2, 255]);
      const big = 'x'.repeat(1024 * 1024);
      ws.send(big);
      expect(String((await nextMessage(ws)).data)).toBe(`a: ${big}`);
    } finally {
      ws.close();
    }
  });

  it('counts frames as route activity', async () => {
    await proxy.api('POST', '/api/routes/user/kate', { target: a.url });
    const ws = await openWs(`${wsBase}/user/kate/api/kernels/k/channels`);
    try {
      const activity = async () => Date.parse(JSON.parse((await proxy.api('GET', '/api/routes/user/kate')).body).last_activity);
      const opened = await activity();
      await sleep(30);
      expect(await activity()).toBe(opened);
      ws.send('ping');
      await nextMessage(ws);
      expect(await activity()).toBeGreaterThan(opened);
    } finally {
      ws.close();
      await proxy.api('DELETE', '/api/routes/user/kate');
    }
  });

  it('balances websockets over a pool', async () => {
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ws = await openWs(`${wsBase}/balanced/s${i}`);
      ws.send('who');
      names.push(String((await nextMessage(ws)).data));
      ws.close();
    }
    expect(names.sort()).toEqual(['a: who', 'a: who', 'b: who', 'b: who']);
  });

  it('passes closes through in both directions', async () => {
    const ws = await openWs(`${wsBase}/ws/close-test`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await waitFor('the upstream socket', () => a.sockets.size > 0);
    for (const s of a.sockets) s.close(4001, 'bye');
    expect(await closed).toBe(4001);

    const ws2 = await openWs(`${wsBase}/ws/close-test-2`);
    const count = a.sockets.size;
    ws2.close(1000);
    await waitFor('the upstream to see the close', () => a.sockets.size < count);
  });

  it('answers 404 for an upgrade without a route', async () => {
    await expect(openWs(`${wsBase}/nowhere`)).rejects.toMatchObject({ status: 404 });
  });

  it('relays the upstream’s refusal to upgrade', async () => {
    const refusing = await startWsUpstream('refusing', { reject: 403 });
    await proxy.api('POST', '/api/routes/refused', { target: refusing.url });
    try {
      await expect(openWs(`${wsBase}/refused/x`)).rejects.toMatchObject({ status: 403, body: 'refused' });
    } finally {
      await proxy.api('DELETE', '/api/routes/refused');
      await refusing.close();
    }
  });

  it('answers 503 when the upstream is down', async () => {
    await proxy.api('POST', '/api/routes/down', { target: `http://127.0.0.1:${await freePort()}` });
    await expect(openWs(`${wsBase}/down/x`)).rejects.toMatchObject({ status: 503, body: expect.stringContaining('connection refused') });
  });
});

describe('websockets and pools', () => {
  it('retries the handshake on another member when one refuses the connection', async () => {
    const live = await startWsUpstream('live');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const proxy = await startProxy({ routes: { '/': 'pool:p' }, pools: { p: { members: [dead, live.url], check: { path: '/healthz', interval: '10s' } } } });
    try {
      const ws = await openWs(`${proxy.publicUrl.replace('http:', 'ws:')}/x`);
      ws.send('hi');
      expect(String((await nextMessage(ws)).data)).toBe('live: hi');
      ws.close();
      expect(proxy.server.pools.get('p')!.members[0].health.healthy).toBe(false);
    } finally {
      await proxy.stop();
      await live.close();
    }
  });
});

describe('idle websockets', () => {
  it('are closed after timeouts.websocketIdle without frames', async () => {
    const up = await startWsUpstream('idle');
    const proxy = await startProxy({ routes: { '/': up.url }, timeouts: { websocketIdle: '300ms' } });
    try {
      const ws = await openWs(`${proxy.publicUrl.replace('http:', 'ws:')}/x`);
      const started = Date.now();
      await new Promise((resolve) => ws.once('close', resolve));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await proxy.stop();
      await up.close();
    }
  });

  it('are cut at the end of the shutdown grace period', async () => {
    const up = await startWsUpstream('grace');
    const proxy = await startProxy({ routes: { '/': up.url }, timeouts: { shutdownGrace: '200ms' } });
    const ws = await openWs(`${proxy.publicUrl.replace('http:', 'ws:')}/x`);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const started = Date.now();
    await proxy.stop();
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    await up.close();
  });
});
