import type { RouteData } from '../routing/route';

/** An API route as the store keeps it. */
export interface StoredRoute {
  path: string;
  data: RouteData;
  /** Milliseconds since the epoch. */
  lastActivity: number;
}

/** The shared store could not be reached; the API answers 503 and the table keeps serving. */
export class StoreUnavailableError extends Error {}

export interface StoreStatus {
  kind: 'memory' | 'redis';
  connected: boolean;
  /** Where, without credentials. */
  location: string | null;
  lastSync: number | null;
}

/**
 * Where API routes live. Writes go through the store, which also applies them to this process's
 * RouteTable; a shared store applies other replicas' writes too. Reads of API routes come from the
 * store (with this process's unflushed activity merged in), so every replica answers the same.
 */
export interface RouteStore {
  start(): Promise<void>;
  /** `data.target` has been checked by the caller. */
  set(path: string, data: RouteData): Promise<void>;
  /** False when there was no such route. */
  remove(path: string): Promise<boolean>;
  get(path: string): Promise<StoredRoute | undefined>;
  list(): Promise<StoredRoute[]>;
  /** Writes pending activity, stops following changes and closes connections. */
  stop(): Promise<void>;
  status(): StoreStatus;
}
