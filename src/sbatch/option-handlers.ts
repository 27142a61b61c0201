import { type GpuRequest, MAX_NICE, MAX_PRIORITY } from '../domain/job';
import { parseArray } from './array-spec';
import { parseDateTime } from './begin-time';
import { CollectedOptions, MemoryField, Origin, Slot, describeOrigin } from './collected-options';
import { positiveCount, nodeRange } from './counts';
import { parseDependency } from './dependency';
import { parseExport } from './export-spec';
import { parseGetUserEnv } from './get-user-env';
import { parseGpus, parseGres } from './gpu-request';
import { parseLicenses } from './licenses';
import { parseMailType } from './mail-type';
import { memoryValueMB } from './memory';
import { optionLabel } from './option-table';
import { parsePropagate } from './propagate';
import { SbatchError, describeSource, detailValue, quoteValue, sourceDetails } from './sbatch-error';
import { ParseLimits } from './sbatch-limits';
import { parseSignal } from './signal-spec';
import { freeText, hostList, jobName, nameList, partitionList, pathPattern, simpleName } from './text-values';
import { timeValueMinutes } from './time-limit';
import { ValueError } from './value-error';

export interface HandlerContext {
  limits: ParseLimits;
  now: Date;
}

type Handler = (c: CollectedOptions, value: string | null, origin: Origin, ctx: HandlerContext) => void;

/** Runs a value grammar; its ValueError becomes an SbatchError naming the option, value and source. */
function parsed<T>(origin: Origin, parse: (value: string) => T): T {
  const value = origin.value ?? '';
  try {
    return parse(value);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    throw new SbatchError(`invalid ${origin.option} value ${quoteValue(value)} (${describeSource(origin.source)}): ${e.message}`, {
      option: origin.option,
      value: detailValue(value),
      allowed: e.allowed,
      ...sourceDetails(origin.source),
    });
  }
}

const slot = <T>(value: T, origin: Origin): Slot<T> => ({ value, origin });

/** An empty value clears an optional name (sbatch then uses the site default), else the grammar applies. */
const clearable =
  <T>(parse: (v: string) => T) =>
  (v: string): T | null =>
    v === '' ? null : parse(v);

const MEMORY_OPTION: Record<MemoryField, string> = { memPerNodeMB: 'mem', memPerCpuMB: 'mem-per-cpu', memPerGpuMB: 'mem-per-gpu' };

/**
 * One source may give only one of --mem/--mem-per-cpu/--mem-per-gpu (Slurm's error text); a
 * stronger source's choice replaces a weaker source's other memory option.
 */
function setMemory(c: CollectedOptions, field: MemoryField, origin: Origin): void {
  const mb = parsed(origin, memoryValueMB);
  if (mb === 0 && field !== 'memPerNodeMB') {
    throw new SbatchError(
      `invalid ${origin.option} value ${quoteValue(origin.value ?? '')} (${describeSource(origin.source)}): expected at least 1 MB; only --mem=0 means all memory of the node`,
      { option: origin.option, value: detailValue(origin.value ?? ''), allowed: 'at least 1 MB', ...sourceDetails(origin.source) },
    );
  }
  const previous = c.memory;
  if (previous && previous.value.field !== field && previous.origin.source.kind === origin.source.kind) {
    const names =
      origin.source.kind === 'env'
        ? 'SBATCH_MEM_PER_CPU, SBATCH_MEM_PER_GPU, and SBATCH_MEM_PER_NODE are mutually exclusive'
        : '--mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive';
    throw new SbatchError(`${names}: ${describeOrigin(origin)} conflicts with ${describeOrigin(previous.origin)}; give only one of them`, {
      option: origin.option,
      value: detailValue(origin.value ?? ''),
      allowed: `one of --mem, --mem-per-cpu, --mem-per-gpu (already ${optionLabel(MEMORY_OPTION[previous.value.field])})`,
      ...sourceDetails(origin.source),
    });
  }
  c.memory = slot({ field, mb }, origin);
}

/** The gateway models one GPU request per job; the same precedence rule as for memory applies. */
function setGpus(c: CollectedOptions, origin: Origin, parse: (v: string) => GpuRequest | null): void {
  const request = parsed(origin, parse);
  const previous = c.gpus;
  if (previous && previous.origin.option !== origin.option && previous.origin.source.kind === origin.source.kind) {
    throw new SbatchError(
      `${describeOrigin(origin)} and ${describeOrigin(previous.origin)} both request GPUs; this gateway takes one GPU request per job (--gpus, --gpus-per-node, --gpus-per-task or --gres=gpu): give only one of them`,
      {
        option: origin.option,
        value: detailValue(origin.value ?? ''),
        allowed: `one GPU option (already ${previous.origin.option})`,
        ...sourceDetails(origin.source),
      },
    );
  }
  c.gpus = slot(request, origin);
}

function invalid(origin: Origin, allowed: string, problem?: string): never {
  const value = origin.value ?? '';
  throw new SbatchError(
    `invalid ${origin.option} value ${quoteValue(value)} (${describeSource(origin.source)}): ${problem ? `${problem}; ` : ''}expected ${allowed}`,
    { option: origin.option, value: detailValue(value), allowed, ...sourceDetails(origin.source) },
  );
}

/** A non-empty prefix of one of the words, case-insensitive (sbatch reads only the first letter). */
function prefixOf<T extends string>(value: string, words: readonly T[]): T | null {
  const lower = value.toLowerCase();
  return (lower !== '' && words.find((w) => w.startsWith(lower))) || null;
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  'job-name': (c, v, o) => (c.name = slot(parsed(o, jobName), o)),
  partition: (c, v, o) => (c.partitions = slot(parsed(o, partitionList), o)),
  time: (c, v, o) => (c.timeLimitMinutes = slot(parsed(o, timeValueMinutes), o)),
  'time-min': (c, v, o) => (c.timeMinMinutes = slot(parsed(o, timeValueMinutes), o)),
  nodes: (c, v, o) => (c.nodes = slot(parsed(o, nodeRange), o)),
  ntasks: (c, v, o) => (c.ntasks = slot(parsed(o, (x) => positiveCount(x)), o)),
  'ntasks-per-node': (c, v, o) => (c.ntasksPerNode = slot(parsed(o, (x) => positiveCount(x)), o)),
  'cpus-per-task': (c, v, o) => (c.cpusPerTask = slot(parsed(o, (x) => positiveCount(x)), o)),
  mem: (c, v, o) => setMemory(c, 'memPerNodeMB', o),
  'mem-per-cpu': (c, v, o) => setMemory(c, 'memPerCpuMB', o),
  'mem-per-gpu': (c, v, o) => setMemory(c, 'memPerGpuMB', o),
  gpus: (c, v, o) => setGpus(c, o, (x) => parseGpus(x, 'job')),
  'gpus-per-node': (c, v, o) => setGpus(c, o, (x) => parseGpus(x, 'node')),
  'gpus-per-task': (c, v, o) => setGpus(c, o, (x) => parseGpus(x, 'task')),
  gres: (c, v, o) => setGpus(c, o, parseGres),
  array: (c, v, o, ctx) => (c.array = slot(parsed(o, (x) => parseArray(x, ctx.limits.maxArraySize)), o)),
  dependency: (c, v, o) => (c.dependency = slot(parsed(o, parseDependency), o)),
  output: (c, v, o) => (c.output = slot(parsed(o, (x) => pathPattern(x, 'file name pattern')), o)),
  error: (c, v, o) => (c.error = slot(parsed(o, (x) => pathPattern(x, 'file name pattern')), o)),
  input: (c, v, o) => (c.input = slot(parsed(o, (x) => pathPattern(x, 'file name pattern')), o)),
  chdir: (c, v, o) => (c.workdir = slot(parsed(o, (x) => pathPattern(x, 'directory')), o)),
  'open-mode': (c, v, o) => {
    const mode = prefixOf(v ?? '', ['append', 'truncate'] as const);
    if (!mode) invalid(o, 'append or truncate');
    c.openMode = slot(mode, o);
  },
  export: (c, v, o) => (c.export = slot(parsed(o, parseExport), o)),
  account: (c, v, o) => (c.account = slot(parsed(o, clearable((x) => simpleName(x, 'account name'))), o)),
  qos: (c, v, o) => (c.qos = slot(parsed(o, clearable((x) => simpleName(x, 'QOS name'))), o)),
  constraint: (c, v, o) => (c.constraint = slot(parsed(o, clearable((x) => freeText(x, 'a feature expression', false))), o)),
  comment: (c, v, o) => (c.comment = slot(parsed(o, clearable((x) => freeText(x, 'a comment', true))), o)),
  'mail-user': (c, v, o) => (c.mailUser = slot(parsed(o, clearable((x) => simpleName(x, 'mail user'))), o)),
  'mail-type': (c, v, o) => {
    for (const type of parsed(o, parseMailType)) if (!c.mailType.includes(type)) c.mailType.push(type);
  },
  exclusive: (c, v, o) => {
    if (v === null) {
      c.sharing = slot({ exclusive: true, scope: null }, o);
      return;
    }
    const scope = v.toLowerCase();
    if (scope !== 'user' && scope !== 'mcs') invalid(o, '--exclusive alone, --exclusive=user or --exclusive=mcs');
    c.sharing = slot({ exclusive: true, scope }, o);
  },
  oversubscribe: (c, v, o) => (c.sharing = slot({ exclusive: false, oversubscribe: true }, o)),
  requeue: (c, v, o) => (c.requeue = slot(true, o)),
  'no-requeue': (c, v, o) => (c.requeue = slot(false, o)),
  hold: (c, v, o) => (c.hold = slot(true, o)),
  begin: (c, v, o, ctx) => (c.begin = slot(parsed(o, (x) => parseDateTime(x, ctx.now)), o)),
  deadline: (c, v, o, ctx) => {
    const deadline = parsed(o, (x) => parseDateTime(x, ctx.now));
    if (deadline.getTime() < ctx.now.getTime()) invalid(o, 'a time in the future', `${deadline.toISOString()} is in the past`);
    c.deadline = slot(deadline, o);
  },
  signal: (c, v, o) => (c.signal = slot(parsed(o, parseSignal), o)),
  nice: (c, v, o) => {
    const allowed = `an adjustment from -${MAX_NICE} to ${MAX_NICE} (default 100)`;
    if (v === null) return void (c.nice = slot(100, o));
    if (!/^[+-]?\d+$/.test(v)) invalid(o, allowed);
    const n = v.replace(/^[+-]/, '').length > 10 ? Infinity : Number(v);
    if (Math.abs(n) > MAX_NICE) invalid(o, allowed, 'out of range');
    c.nice = slot(n, o);
  },
  nodelist: (c, v, o) => (c.nodeList = slot(parsed(o, clearable(hostList)), o)),
  exclude: (c, v, o) => (c.excludeNodes = slot(parsed(o, clearable(hostList)), o)),
  priority: (c, v, o) => {
    const allowed = `a number from 0 to ${MAX_PRIORITY}, or TOP`;
    if (/^top$/i.test(v ?? '')) return void (c.priority = slot('TOP', o));
    if (!/^\d+$/.test(v ?? '')) invalid(o, allowed);
    const n = (v ?? '').length > 10 ? Infinity : Number(v);
    if (n > MAX_PRIORITY) invalid(o, allowed, 'out of range');
    c.priority = slot(n, o);
  },
  reservation: (c, v, o) => (c.reservations = slot(parsed(o, clearable((x) => nameList(x, 'reservation name'))), o)),
  licenses: (c, v, o) => (c.licenses = slot(parsed(o, clearable(parseLicenses)), o)),
  'no-kill': (c, v, o) => {
    if (v !== null && !/^off$/i.test(v)) invalid(o, '--no-kill alone, or --no-kill=off');
    c.noKill = slot(v === null, o);
  },
  propagate: (c, v, o) => (c.propagate = slot(parsed(o, () => parsePropagate(v)), o)),
  'get-user-env': (c, v, o) => (c.getUserEnv = slot(parsed(o, () => parseGetUserEnv(v)), o)),
  // #PBS lines are never read here, so ignoring them is already what happens.
  'ignore-pbs': () => undefined,
  verbose: (c, v, o) => (c.verbose = slot(true, o)),
  quiet: (c, v, o) => {
    c.client.quiet = true;
    c.client.quietOrigin = o;
  },
  parsable: (c) => (c.client.parsable = true),
  wait: (c) => (c.client.wait = true),
  'test-only': (c) => (c.client.testOnly = true),
  json: (c) => (c.client.json = true),
};

/** Why specific real sbatch options cannot be honoured here; the rest get the generic reason. */
const UNSUPPORTED_REASONS: Readonly<Record<string, string>> = {
  'export-file': 'sbatch reads that file on the submit host; pass the variables with --export or set them in the script',
  uid: 'in sbatch only root may use it, and the gateway always submits as the authenticated user',
  gid: 'in sbatch only root may use it, and the gateway always submits as the authenticated user',
  clusters: 'the gateway routes jobs by partition; choose one with -p/--partition',
  'cluster-constraint': 'the gateway routes jobs by partition; choose one with -p/--partition',
  nodefile: 'sbatch reads that file on the submit host; list the hosts with -w/--nodelist',
  help: 'it prints help instead of submitting a job',
  usage: 'it prints help instead of submitting a job',
  version: 'it prints the version instead of submitting a job',
  wrap: '--wrap is only valid on the command line, where it replaces the script',
};

export function applyOption(c: CollectedOptions, id: string, origin: Origin, ctx: HandlerContext): void {
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, id) ? HANDLERS[id] : undefined;
  if (!handler) {
    const reason = UNSUPPORTED_REASONS[id] ?? 'it is a valid sbatch option, but this gateway cannot honour it on every engine; remove it from the job';
    throw new SbatchError(`${optionLabel(id)} (${describeSource(origin.source)}) is not supported by this gateway: ${reason}`, {
      option: optionLabel(id),
      ...(origin.value !== null ? { value: detailValue(origin.value) } : {}),
      allowed: 'a job without this option',
      ...sourceDetails(origin.source),
    });
  }
  handler(c, origin.value, origin, ctx);
}

/** sbatch refuses -v together with -Q. */
export function checkVerboseQuiet(c: CollectedOptions): void {
  if (c.verbose && c.client.quiet && c.client.quietOrigin) {
    throw new SbatchError(
      `don't specify both --verbose (-v) and --quiet (-Q): ${describeOrigin(c.verbose.origin)} and ${describeOrigin(c.client.quietOrigin)}`,
      { option: '--quiet', allowed: 'either --verbose or --quiet', ...sourceDetails(c.client.quietOrigin.source) },
    );
  }
}
