import { ApiException } from '@kubernetes/client-node';
import { Reason } from '../../domain/job';
import { EngineRefusedError, EngineUnavailableError } from '../engine-errors';

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

/** RBAC's wording ("User … cannot create resource …"): the gateway's own account lacks a permission. */
const RBAC_DENIAL = /\bcannot (create|get|list|watch|update|patch|delete|deletecollection) resource\b/;

/**
 * What a failed API call means for the job (DESIGN.md §6.4), by HTTP status:
 * - unreachable, 408, 429, 5xx → unavailable: the engine may answer later;
 * - 401, or a 403 from RBAC → unavailable: the gateway's credentials are wrong, which an administrator
 *   fixes; the user's job is not at fault and must not fail for it;
 * - 403 "exceeded quota" → unavailable with reason QuotaExceeded: the user's own jobs will free it;
 * - any other 403 (admission webhooks, Pod Security) → refused by policy;
 * - 400, 404 (e.g. the namespace), 409, 422 and other 4xx → refused: the same object is refused again.
 */
export function kubeError(engine: string, what: string, e: unknown, jobId: number | null = null): Error {
  const status = statusOf(e);
  const message = messageOf(e);
  const details = { status };
  if (status === null || status === 408 || status === 429 || status >= 500) {
    return new EngineUnavailableError(engine, `${what}: ${status ?? 'unreachable'}: ${message}`, { jobId, details });
  }
  if (status === 401 || (status === 403 && RBAC_DENIAL.test(message))) {
    return new EngineUnavailableError(engine, `${what}: the credentials of engine ${engine} are not accepted by the Kubernetes API (${status}): ${message}; an administrator must fix the gateway's kubeconfig or service account`, { jobId, details });
  }
  if (status === 403 && /exceeded quota/.test(message)) {
    return new EngineUnavailableError(engine, `${what}: ${message}`, { jobId, details, reason: Reason.QuotaExceeded });
  }
  if (status >= 400 && status < 500) {
    return new EngineRefusedError(engine, `${what}: Kubernetes refused it (${status}): ${message}`, { jobId, details, policy: status === 403 });
  }
  // 1xx-3xx as an error is nothing the gateway understands: retried, not a refusal.
  return new EngineUnavailableError(engine, `${what}: unexpected status ${status}: ${message}`, { jobId, details });
}
