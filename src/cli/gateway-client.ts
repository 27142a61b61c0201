/**
 * A thin GraphQL-over-HTTP client for the gateway (fetch, one POST per request). Network and auth
 * failures become typed errors that main.ts prints in one fixed form; GraphQL errors keep the
 * gateway's code and details so each command can word them the way its Slurm namesake does.
 */
import type { CliConfig } from './cli-config';

/** The header a service account's token names the user it acts for in (the gateway's ACT_AS_HEADER). */
export const ACT_AS_HEADER = 'x-hpcg-act-as';

const REQUEST_TIMEOUT_MS = 60_000;

/**
 * How a request failed to get an answer, in the terms of Slurm's own communication errors (which
 * batchspawner and OOD match to tell "the controller is down" from "the job is gone"):
 * `connect` no connection (refused, DNS, unreachable host, a proxy or the gateway saying it cannot
 * serve: 502-504, UNAVAILABLE); `timeout` no answer in time; `receive` the answer was cut off;
 * `not-gateway` something answered that is not the gateway (a wrong URL): a configuration error.
 */
export type UnreachableKind = 'connect' | 'timeout' | 'receive' | 'not-gateway';

/** The gateway could not be reached or did not answer like a GraphQL server. */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The request may not have reached the gateway, or its answer was lost: sending it again can help. */
    readonly transient = false,
    readonly kind: UnreachableKind = 'connect',
  ) {
    super(`cannot reach the gateway at ${url}: ${reason}`);
  }
}

/** The gateway refused the request's credentials (or there were none). */
export class TokenRefusedError extends Error {
  constructor(readonly tokenConfigured: boolean) {
    super(
      tokenConfigured
        ? 'token refused (set HPCG_TOKEN or run hpcg login)'
        : 'token refused (set HPCG_TOKEN or run hpcg login): no token is configured',
    );
  }
}

/** A GraphQL error the gateway returned: extensions.code and extensions.details as sent. */
export class GatewayRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly details: Record<string, unknown>,
    /** The gateway that answered (messages that name it: sacct names its database's address). */
    readonly url = '',
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; details?: Record<string, unknown> };
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export class GatewayClient {
  constructor(
    private readonly config: Pick<CliConfig, 'url' | 'graphqlUrl' | 'token'> & { actAs?: string | null },
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    // A service account's token acting for a user; the gateway refuses it to any other token.
    if (this.config.actAs) headers[ACT_AS_HEADER] = this.config.actAs;

    let response: Response;
    try {
      response = await this.fetchImpl(this.config.graphqlUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new GatewayUnreachableError(this.config.url, describeNetworkError(err), true, isTimeout(err) ? 'timeout' : 'connect');
    }

    if (response.status === 401) throw new TokenRefusedError(this.config.token !== null);
    const text = await response.text().catch((err: unknown) => {
      throw new GatewayUnreachableError(this.config.url, describeNetworkError(err), true, isTimeout(err) ? 'timeout' : 'receive');
    });
    let body: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      const why = response.ok ? 'the answer is not JSON (is HPCG_URL the gateway?)' : `HTTP ${response.status} ${response.statusText}`.trim();
      // A proxy's 502/503/504: the gateway behind it is restarting or overloaded. Any other 5xx page is
      // not the gateway's own answer either (it answers errors in GraphQL): the service is not there.
      const gatewayDown = response.status >= 500;
      throw new GatewayUnreachableError(this.config.url, why, response.status >= 502 && response.status <= 504, gatewayDown ? 'connect' : 'not-gateway');
    }

    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) throw new TokenRefusedError(this.config.token !== null);
    if (errors.length > 0) {
      const first = errors[0];
      throw new GatewayRequestError(first.message ?? 'unknown error', first.extensions?.code ?? 'INTERNAL', first.extensions?.details ?? {}, this.config.url);
    }
    if (body.data === undefined || body.data === null) {
      throw new GatewayUnreachableError(this.config.url, `HTTP ${response.status}: the answer has neither data nor errors`, false, 'not-gateway');
    }
    return body.data;
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** fetch wraps socket errors in TypeError('fetch failed'); the useful words are in the cause. */
export function describeNetworkError(err: unknown): string {
  // Duck-typed: errors raised inside undici may come from another realm than this module's Error.
  type Described = { name?: string; message?: string; code?: string; cause?: Described; errors?: Described[] };
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Described;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const inner = e.cause?.errors?.[0] ?? e.cause;
  if (inner) return inner.message || inner.code || String(inner);
  return e.message || String(err);
}
