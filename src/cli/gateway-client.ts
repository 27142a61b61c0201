/**
 * A thin GraphQL-over-HTTP client for the gateway (fetch, one POST per request). Network and auth
 * failures become typed errors that main.ts prints in one fixed form; GraphQL errors keep the
 * gateway's code and details so each command can word them the way its Slurm namesake does.
 */
import type { CliConfig } from './cli-config';

const REQUEST_TIMEOUT_MS = 60_000;

/** The gateway could not be reached or did not answer like a GraphQL server. */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The request may not have reached the gateway, or its answer was lost: sending it again can help. */
    readonly transient = false,
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
    private readonly config: Pick<CliConfig, 'url' | 'graphqlUrl' | 'token'>,
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;

    let response: Response;
    try {
      response = await this.fetchImpl(this.config.graphqlUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new GatewayUnreachableError(this.config.url, describeNetworkError(err), true);
    }

    if (response.status === 401) throw new TokenRefusedError(this.config.token !== null);
    const text = await response.text().catch((err: unknown) => {
      throw new GatewayUnreachableError(this.config.url, describeNetworkError(err), true);
    });
    let body: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      const why = response.ok ? 'the answer is not JSON (is HPCG_URL the gateway?)' : `HTTP ${response.status} ${response.statusText}`.trim();
      // A proxy's 502/503/504: the gateway behind it is restarting or overloaded.
      throw new GatewayUnreachableError(this.config.url, why, response.status >= 502 && response.status <= 504);
    }

    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) throw new TokenRefusedError(this.config.token !== null);
    if (errors.length > 0) {
      const first = errors[0];
      throw new GatewayRequestError(first.message ?? 'unknown error', first.extensions?.code ?? 'INTERNAL', first.extensions?.details ?? {});
    }
    if (body.data === undefined || body.data === null) {
      throw new GatewayUnreachableError(this.config.url, `HTTP ${response.status}: the answer has neither data nor errors`);
    }
    return body.data;
  }
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
