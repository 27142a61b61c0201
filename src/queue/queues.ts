/** Queue names and their payloads (DESIGN.md §2: submit, sync and cancel go through queues). */
export const Queues = {
  Submit: 'submit',
  Cancel: 'cancel',
  Sync: 'sync',
  Sweep: 'sweep',
  DirectorySync: 'directory-sync',
} as const;

export interface SubmitPayload {
  jobId: number;
}
export interface CancelPayload {
  jobId: number;
  arrayIndex: number | null;
}
export interface SyncPayload {
  engine: string;
}
export type SweepPayload = Record<string, never>;
export type DirectorySyncPayload = Record<string, never>;

/** BullMQ job ids deduplicate: while one exists, adding the same id again is a no-op. */
export const queueJobId = {
  submit: (jobId: number) => `submit-${jobId}`,
  cancel: (jobId: number, arrayIndex: number | null) => `cancel-${jobId}-${arrayIndex ?? 'all'}`,
  sync: (engine: string) => `sync-${engine}`,
  sweep: () => 'sweep',
  directorySync: () => 'directory-sync',
};
