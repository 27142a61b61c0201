import { createHash } from 'node:crypto';

/**
 * Names and labels the gateway puts on Kubernetes objects. Labels carry the gateway job id (the tag for
 * reconciliation, DESIGN.md §6.2), the owner and the array index; the watch selects on them.
 */
export const LABEL_JOB_ID = 'hpcg.io/job-id';
/**
 * The job's random nonce (jobs.submit_nonce, 32 hex digits: a valid label value). Anyone who may create
 * Jobs somewhere can copy the job-id label; reconciliation also wants this and the owner's namespace.
 */
export const LABEL_SUBMIT_NONCE = 'hpcg.io/submit-nonce';
export const LABEL_USER = 'hpcg.io/user';
export const LABEL_PARTITION = 'hpcg.io/partition';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'hpc-gateway';
/** The exact username (labels cannot hold every username); checked before a namespace is reused. */
export const ANNOTATION_USERNAME = 'hpcg.io/username';
/** Job annotation: the array index of each completion index, in order ("0,4,8"). */
export const ANNOTATION_ARRAY_INDICES = 'hpcg.io/array-indices';
/** Job annotation: array indices cancelled one by one ("7,20"); reported CANCELLED unless they completed first. */
export const ANNOTATION_CANCELLED_INDICES = 'hpcg.io/cancelled-indices';
/** Kubernetes' own label on the pods of an Indexed Job. */
export const LABEL_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** Selector for everything the gateway created on this cluster. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_JOB_ID}`;

/**
 * The user's namespace: DNS-1123 label derived from the username, with a hash of the exact name so that
 * two usernames that clean up alike ("Alice", "alice_") never share one.
 */
export function namespaceFor(prefix: string, username: string): string {
  const hash = createHash('sha256').update(username).digest('hex').slice(0, 8);
  const cleaned = username
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63 - prefix.length - hash.length - 1)
    .replace(/-+$/, '');
  return `${prefix}${cleaned ? `${cleaned}-` : ''}${hash}`;
}

/** A label value naming the user (63 characters of [A-Za-z0-9._-], alphanumeric at both ends). */
export function userLabel(username: string): string {
  const value = username.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return value || 'user';
}

export function jobObjectName(jobId: number): string {
  return `hpcg-${jobId}`;
}

export function scriptConfigMapName(jobId: number): string {
  return `hpcg-${jobId}-script`;
}

/** The Secret holding the environment the submitter exported. */
export function envSecretName(jobId: number): string {
  return `hpcg-${jobId}-env`;
}
