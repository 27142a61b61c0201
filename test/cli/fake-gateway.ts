/**
 * A tiny HTTP server on port 0 that answers the CLI's GraphQL requests with canned JSON, chosen by
 * operation name. For client tests: it checks what the CLI sends and prints, not the real gateway.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
}

/** Returns the GraphQL response body (`{ data }` or `{ errors }`) for one request. */
export type Responder = (request: RecordedRequest) => unknown;

export interface FakeGateway {
  url: string;
  requests: RecordedRequest[];
  /** Requests of one operation, in order. */
  calls(operationName: string): RecordedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeGateway(respond: Responder): Promise<FakeGateway> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { query: string; variables?: Record<string, unknown> };
    const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? '';
    const request = { operationName, query: body.query, variables: body.variables ?? {}, authorization: req.headers.authorization };
    requests.push(request);
    let answer: unknown;
    try {
      answer = respond(request);
    } catch (err) {
      answer = { errors: [{ message: (err as Error).message, extensions: { code: 'INTERNAL' } }] };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (name) => requests.filter((r) => r.operationName === name),
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** A GraphQL error body as the gateway sends it. */
export function graphqlError(code: string, message: string, details: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, details } }] };
}
