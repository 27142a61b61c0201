import { DomainError, ErrorCode } from '../common/domain-error';

/**
 * How an engine says a job cannot be handed to it (DESIGN.md §6.4). The worker decides by class, never
 * by message or code: a refusal fails the job with the engine's message, an unavailable engine leaves
 * it PENDING and is retried with backoff, and anything else is an unknown fault, logged and retried.
 * Depends only on common/domain-error, so the API's error table (src/common/api-errors.ts) can import it.
 */
export abstract class EngineError extends Error {
  constructor(
    /** The engine's configured name (`engines:` in the site file). */
    readonly engine: string,
    message: string,
    /** The gateway job id, when the failure concerns one job. */
    readonly jobId: number | null = null,
    /** Structured detail a client can act on (which option, which field, which status). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The engine said no and the same request can never succeed: an invalid partition or option, an
 * object the Kubernetes API rejects, a submit-file syntax error, an owner the identity policy will not
 * run as. `policy` tells a request the engine understood but a rule forbids (admission, identity,
 * allowed images) from one it cannot run at all; the API shows the first as FORBIDDEN.
 */
export class EngineRefusedError extends EngineError {
  readonly policy: boolean;

  constructor(engine: string, message: string, opts: { jobId?: number | null; details?: Record<string, unknown>; policy?: boolean } = {}) {
    super(engine, message, opts.jobId ?? null, opts.details ?? {});
    this.name = 'EngineRefusedError';
    this.policy = opts.policy ?? false;
  }
}

/**
 * The engine cannot be asked right now and a later attempt may succeed: connection refused, timeouts,
 * 5xx and 429, slurmctld down, credentials the gateway cannot use, a quota the user's own jobs will free.
 */
export class EngineUnavailableError extends EngineError {
  /** The job's reason while it waits: EngineUnavailable when null, e.g. QuotaExceeded otherwise. */
  readonly reason: string | null;

  constructor(engine: string, message: string, opts: { jobId?: number | null; details?: Record<string, unknown>; reason?: string | null } = {}) {
    super(engine, message, opts.jobId ?? null, opts.details ?? {});
    this.name = 'EngineUnavailableError';
    this.reason = opts.reason ?? null;
  }
}

/**
 * An engine's translation checks the user's request and throws the DomainError the API shows at
 * submission (`sbatch --test-only` and the checks before a job is stored). When the worker submits, the
 * same check failing is the engine refusing that job: no retry makes the request valid.
 */
export function translatedOrRefused<T>(engine: string, jobId: number, translate: () => T): T {
  try {
    return translate();
  } catch (e) {
    if (e instanceof DomainError) throw new EngineRefusedError(engine, e.message, { jobId, details: e.details, policy: e.code === ErrorCode.FORBIDDEN });
    throw e;
  }
}
