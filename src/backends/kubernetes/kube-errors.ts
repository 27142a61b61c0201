import { ApiException } from '@kubernetes/client-node';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { Reason } from '../../jobs/job-spec';
import { BackendUnavailableError } from '../backend';

/** The HTTP status of a Kubernetes API error, or null when the server was not reached at all. */
export function statusOf(e: unknown): number | null {
  return e instanceof ApiException ? e.code : null;
}

/** The server's `Status.message`, else the raw body. */
export function messageOf(e: unknown): string {
  if (!(e instanceof ApiException)) return (e as Error)?.message ?? String(e);
  const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
  try {
    return JSON.parse(body).message ?? body;
  } catch {
    return body;
  }
}

/**
 * What a failed API call means for the job (DESIGN.md §6.3): unreachable, overloaded or a server error →
 * BackendUnavailable, retried; quota exceeded → pending with that reason, retried (the user's own jobs
 * will free it); anything else is a refusal the gateway cannot retry away.
 */
export function kubeError(engine: string, what: string, e: unknown): Error {
  const status = statusOf(e);
  const message = messageOf(e);
  if (status === null || status >= 500 || status === 429) return new BackendUnavailableError(engine, `${what}: ${status ?? 'unreachable'}: ${message}`);
  if (status === 403 && /exceeded quota/.test(message)) return new BackendUnavailableError(engine, `${what}: ${message}`, Reason.QuotaExceeded);
  return new DomainError(ErrorCode.INTERNAL, `${what}: Kubernetes refused it (${status}): ${message}`, { engine, status });
}
