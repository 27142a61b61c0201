import { badInput } from '../../common/domain-error';

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Names this submission for its submitter (1-200 printable characters; a UUID per attempt to submit is usual): the same key again, within at least 24 h, returns the job the first one created instead of a second job. hpcg sbatch sends one and retries a lost answer with it.';

const PRINTABLE = /^[\x21-\x7e]{1,200}$/;

/** The key as given, or a clear refusal; null when none was given (the gateway draws one for its own retries). */
export function idempotencyKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!PRINTABLE.test(value)) throw badInput('idempotencyKey must be 1-200 printable ASCII characters without spaces', { field: 'idempotencyKey', allowed: '1-200 characters from ! to ~' });
  return value;
}
