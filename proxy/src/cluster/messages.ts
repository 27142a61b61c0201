import type { ProxyStatus } from '../observability/status';

/** Messages between the primary and its workers over cluster IPC. */
export type WorkerMessage =
  | { type: 'hpcg:ready'; listen: string; api: string }
  | { type: 'hpcg:status'; requestId: number; status: ProxyStatus };

export type PrimaryMessage = { type: 'hpcg:status?'; requestId: number };

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('hpcg:');
}

export function isPrimaryMessage(m: unknown): m is PrimaryMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'hpcg:status?';
}
