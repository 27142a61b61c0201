/**
 * The shapes the CLI reads from the gateway's GraphQL API (schema.gql at the top of the repository; the
 * operations that read them are checked against it by graphql-operations.spec.ts), as they arrive
 * over the wire: DateTime scalars are ISO-8601 strings, JSON scalars are plain objects.
 */
import type { JobState } from '../domain/job/job-state';

export type { JobState };

export interface GatewayArrayTask {
  index: number;
  rawId: number;
  state: JobState;
  reason: string | null;
  exitCode: number | null;
  signal: number | null;
  startTime: string | null;
  endTime: string | null;
  nodeList: string | null;
}

export interface GatewayJobEvent {
  at: string;
  arrayIndex: number | null;
  fromState: JobState | null;
  toState: JobState;
  reason: string | null;
  actor: string;
}

export interface GatewayJob {
  id: number;
  name: string;
  user: string;
  /** The owner's Unix ids (null for an owner without one) and the host that took the submission. */
  uid?: number | null;
  gid?: number | null;
  submitHost?: string;
  account: string | null;
  partition: string;
  engine: string;
  state: JobState;
  reason: string | null;
  exitCode: number | null;
  signal: number | null;
  submitTime: string;
  eligibleTime: string | null;
  startTime: string | null;
  endTime: string | null;
  /** squeue --start: a pending job's expected start, the engine's or the gateway's (issue 17). */
  estimatedStart?: { time: string | null; source: 'ENGINE' | 'GATEWAY' } | null;
  timeLimitMinutes: number | null;
  nodes: number;
  cpus: number;
  nodeList: string | null;
  workdir: string;
  stdoutPath: string | null;
  stderrPath: string | null;
  isArray: boolean;
  arrayMaxConcurrent: number | null;
  arrayTasks: GatewayArrayTask[];
  dependency: string | null;
  comment: string | null;
  /** Only present when the query asked for it (it carries the whole script). */
  spec?: Record<string, unknown>;
  /** Only present when the query asked for it. */
  events?: GatewayJobEvent[];
}

export interface GatewayPartition {
  name: string;
  /** The site's cluster name (older gateways do not send it). */
  cluster?: string;
  engine: string;
  engineKind: string;
  default: boolean;
  state: string;
  maxTimeMinutes: number;
  nodes: number;
  cpus: number;
  memoryMB: number | null;
  gpus: number;
  nodeList: string;
  allowGroups: string[];
}

export interface GatewayUser {
  id: number;
  username: string;
  uid: number | null;
  gid: number | null;
  admin: boolean;
}

export interface GatewayJobFilter {
  ids?: number[];
  states?: JobState[];
  users?: string[];
  partitions?: string[];
  names?: string[];
  activeAfter?: string;
  activeBefore?: string;
}

export interface GatewayTestResult {
  spec: unknown;
  engine: string;
  translation: unknown;
}
