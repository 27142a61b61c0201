/**
 * The client against small real HTTP servers on port 0: what it sends, and how each kind of failure
 * comes back.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { submitBatchScript } from './gateway-api';
import { GatewayClient, GatewayRequestError, GatewayUnreachableError, TokenRefusedError } from './gateway-client';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const clientFor = (url: string, token: string | null = 'tok-123') => new GatewayClient({ url, graphqlUrl: `${url}/graphql`, token });

describe('GatewayClient', () => {
  it('POSTs the query and variables to /graphql with the bearer token and returns data', async () => {
    let seen: { method?: string; url?: string; auth?: string; body?: string } = {};
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, auth: req.headers.authorization, body };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { me: { username: 'alice' } } }));
      });
    });
    await expect(clientFor(url).request('query Me { me { username } }', { a: 1 })).resolves.toEqual({ me: { username: 'alice' } });
    expect(seen).toEqual({ method: 'POST', url: '/graphql', auth: 'Bearer tok-123', body: JSON.stringify({ query: 'query Me { me { username } }', variables: { a: 1 } }) });
  });

  it('sends no Authorization header when no token is configured', async () => {
    let auth: string | undefined = 'unset';
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      res.end(JSON.stringify({ data: {} }));
    });
    await clientFor(url, null).request('query X { x }');
    expect(auth).toBeUndefined();
  });

  it('names the user a service token acts for (HPCG_ACT_AS) in X-Hpcg-Act-As, and only then', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers['x-hpcg-act-as'] as string | undefined);
      res.end(JSON.stringify({ data: {} }));
    });
    await new GatewayClient({ url, graphqlUrl: `${url}/graphql`, token: 'svc', actAs: 'alice' }).request('query X { x }');
    await clientFor(url).request('query X { x }');
    expect(seen).toEqual(['alice', undefined]);
  });

  it('classifies failures the way Slurm names them: refused is connect, a 500/503 page is connect, a 200 page is not the gateway', async () => {
    const kindOf = async (url: string) => ((await clientFor(url).request('query X { x }').catch((e: unknown) => e)) as GatewayUnreachableError).kind;
    const status = (code: number) => serve((req, res) => res.writeHead(code, { 'content-type': 'text/html' }).end('<html>page</html>'));
    expect(await kindOf(await status(503))).toBe('connect');
    expect(await kindOf(await status(500))).toBe('connect');
    expect(await kindOf(await status(200))).toBe('not-gateway');
    const cut = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":');
      setTimeout(() => res.destroy(), 20);
    });
    expect(await kindOf(cut)).toBe('receive');
  });

  it('turns UNAUTHENTICATED and HTTP 401 into TokenRefusedError with the fixed advice', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/graphql') res.end(JSON.stringify({ errors: [{ message: 'bad token', extensions: { code: 'UNAUTHENTICATED' } }] }));
    });
    const err = await clientFor(url).request('query X { x }').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRefusedError);
    expect((err as Error).message).toBe('token refused (set HPCG_TOKEN or run hpcg login)');

    const url401 = await serve((_req, res) => {
      res.statusCode = 401;
      res.end('no');
    });
    await expect(clientFor(url401, null).request('query X { x }')).rejects.toThrow('token refused (set HPCG_TOKEN or run hpcg login): no token is configured');
  });

  it('keeps the gateway error code and details', async () => {
    const url = await serve((_req, res) =>
      res.end(JSON.stringify({ errors: [{ message: 'invalid --time value', extensions: { code: 'BAD_USER_INPUT', details: { option: '--time', line: 3 } } }] })),
    );
    const err = (await clientFor(url).request('query X { x }').catch((e: unknown) => e)) as GatewayRequestError;
    expect(err).toBeInstanceOf(GatewayRequestError);
    expect([err.message, err.code, err.details]).toEqual(['invalid --time value', 'BAD_USER_INPUT', { option: '--time', line: 3 }]);
  });

  it('reports a closed port as unreachable, with the URL and the socket error', async () => {
    const url = await serve(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const err = await clientFor(url).request('query X { x }').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnreachableError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot reach the gateway at ${url}: .*ECONNREFUSED`));
  });

  it('reports a non-JSON answer (a proxy error page, a wrong URL) as unreachable', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 502;
      res.statusMessage = 'Bad Gateway';
      res.end('<html>upstream down</html>');
    });
    await expect(clientFor(url).request('query X { x }')).rejects.toThrow(`cannot reach the gateway at ${url}: HTTP 502 Bad Gateway`);
    const html = await serve((_req, res) => res.end('<html>hello</html>'));
    await expect(clientFor(html).request('query X { x }')).rejects.toThrow('the answer is not JSON (is HPCG_URL the gateway?)');
  });
});

describe('submitBatchScript over a lost answer', () => {
  const BATCH = { script: '#!/bin/sh\n', args: [], scriptArgs: [], env: {}, cwd: '/tmp', scriptName: null };

  it('sends the same idempotency key again after a connection error or a proxy 502, and returns the job', async () => {
    const keys: string[] = [];
    let n = 0;
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        keys.push((JSON.parse(body) as { variables: { key: string } }).variables.key);
        n++;
        if (n === 1) return req.socket.destroy(); // the answer is lost
        if (n === 2) return res.writeHead(502).end('bad gateway');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { submitBatchScript: { jobId: 7 } } }));
      });
    });
    const slept: number[] = [];
    await expect(submitBatchScript(clientFor(url), BATCH, async (ms) => void slept.push(ms))).resolves.toBe(7);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(slept).toEqual([500, 1000]);
  });

  it('an answer from the gateway is final: a GraphQL error is not sent again', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      n++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errors: [{ message: 'Invalid partition', extensions: { code: 'BAD_USER_INPUT' } }] }));
    });
    await expect(submitBatchScript(clientFor(url), BATCH, async () => undefined)).rejects.toBeInstanceOf(GatewayRequestError);
    expect(n).toBe(1);
  });

  it('gives up after the last retry with the connection error', async () => {
    const url = await serve((req) => req.socket.destroy());
    const slept: number[] = [];
    await expect(submitBatchScript(clientFor(url), BATCH, async (ms) => void slept.push(ms))).rejects.toBeInstanceOf(GatewayUnreachableError);
    expect(slept).toEqual([500, 1000, 2000, 4000, 8000]);
  });
});
