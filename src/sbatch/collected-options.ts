import type {
  ArraySpec,
  DependencySpec,
  ExportSpec,
  GetUserEnvSpec,
  GpuRequest,
  LicenseRequest,
  MailType,
  NodeRange,
  OpenMode,
  PropagateName,
  SignalSpec,
} from '../domain/job';
import type { Source } from './sbatch-error';
import { describeSource } from './sbatch-error';

/** Where a value came from: which option, as written, and from which source. */
export interface Origin {
  /** Canonical long option, e.g. "--time". */
  option: string;
  value: string | null;
  source: Source;
}

export interface Slot<T> {
  value: T;
  origin: Origin;
}

export type MemoryField = 'memPerNodeMB' | 'memPerCpuMB' | 'memPerGpuMB';

export type Sharing = { exclusive: true; scope: 'user' | 'mcs' | null } | { exclusive: false; oversubscribe: true };

export interface ClientOptions {
  parsable: boolean;
  wait: boolean;
  testOnly: boolean;
  json: boolean;
  quiet: boolean;
}

/**
 * Every option value found so far. Sources are applied in precedence order (script, environment,
 * command line), so a plain assignment makes the last occurrence of the strongest source win.
 */
export interface CollectedOptions {
  name?: Slot<string>;
  partitions?: Slot<string[]>;
  timeLimitMinutes?: Slot<number>;
  timeMinMinutes?: Slot<number>;
  nodes?: Slot<NodeRange>;
  ntasks?: Slot<number>;
  ntasksPerNode?: Slot<number>;
  cpusPerTask?: Slot<number>;
  /** --mem, --mem-per-cpu and --mem-per-gpu share one slot: they are mutually exclusive. */
  memory?: Slot<{ field: MemoryField; mb: number }>;
  /** All GPU options share one slot; null = an explicit request for no GPUs. */
  gpus?: Slot<GpuRequest | null>;
  array?: Slot<ArraySpec>;
  dependency?: Slot<DependencySpec>;
  output?: Slot<string>;
  error?: Slot<string>;
  input?: Slot<string>;
  workdir?: Slot<string>;
  openMode?: Slot<OpenMode>;
  export?: Slot<ExportSpec>;
  account?: Slot<string | null>;
  qos?: Slot<string | null>;
  constraint?: Slot<string | null>;
  comment?: Slot<string | null>;
  /** --exclusive and --oversubscribe set one field in sbatch: the last one wins. */
  sharing?: Slot<Sharing>;
  requeue?: Slot<boolean>;
  hold?: Slot<boolean>;
  begin?: Slot<Date>;
  deadline?: Slot<Date>;
  signal?: Slot<SignalSpec>;
  /** Accumulates over every --mail-type, as in sbatch. */
  mailType: MailType[];
  mailUser?: Slot<string | null>;
  nice?: Slot<number>;
  nodeList?: Slot<string | null>;
  excludeNodes?: Slot<string | null>;
  priority?: Slot<number | 'TOP'>;
  reservations?: Slot<string[] | null>;
  licenses?: Slot<LicenseRequest[] | null>;
  noKill?: Slot<boolean>;
  propagate?: Slot<PropagateName[]>;
  getUserEnv?: Slot<GetUserEnvSpec>;
  verbose?: Slot<true>;
  client: ClientOptions & { quietOrigin?: Origin };
}

export function emptyCollected(): CollectedOptions {
  return { mailType: [], client: { parsable: false, wait: false, testOnly: false, json: false, quiet: false } };
}

/** "--time=5 (script line 3)": how messages point at an option the user wrote. */
export function describeOrigin(origin: Origin): string {
  const shown = origin.value === null ? origin.option : `${origin.option}=${origin.value.length > 60 ? origin.value.slice(0, 60) + '…' : origin.value}`;
  return `${shown} (${describeSource(origin.source)})`;
}
