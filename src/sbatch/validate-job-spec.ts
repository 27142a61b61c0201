import type { JobSpec } from '../domain/job';
import { CROSS_RULES, Namer } from './cross-field-rules';
import { DEPENDENCY_TYPES } from './dependency';
import { MAIL_TYPES } from './mail-type';
import { RLIMIT_NAMES } from './propagate';
import { SbatchError } from './sbatch-error';
import {
  ABSOLUTE_MAX_ARRAY_SIZE,
  MAX_COUNT,
  MAX_GET_USER_ENV_SECONDS,
  MAX_JOB_ID,
  MAX_MEMORY_MB,
  MAX_NAME_LENGTH,
  MAX_NICE,
  MAX_PATH_LENGTH,
  MAX_PRIORITY,
  MAX_SIGNAL_SECONDS,
  MAX_TEXT_LENGTH,
  MAX_TIME_MINUTES,
  ParseLimits,
} from './sbatch-limits';
import { normaliseSignal } from './signal-spec';
import { PARTITION_NAME } from './text-values';

const CONTROL = /[\u0000-\u001f\u007f]/;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GPU_TYPE = /^[A-Za-z0-9_.-]+$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

const REQUIRED_FIELDS: readonly (keyof JobSpec)[] = [
  'name', 'partitions', 'timeLimitMinutes', 'timeMinMinutes', 'nodes', 'ntasks', 'ntasksPerNode', 'cpusPerTask',
  'memPerNodeMB', 'memPerCpuMB', 'memPerGpuMB', 'gpus', 'array', 'dependency', 'output', 'error', 'input', 'workdir',
  'openMode', 'export', 'environment', 'account', 'qos', 'constraint', 'comment', 'exclusive', 'requeue', 'hold',
  'begin', 'deadline', 'signal', 'mailType', 'mailUser', 'nice', 'scriptArgs', 'script',
];
const OPTIONAL_FIELDS: readonly (keyof JobSpec)[] = [
  'exclusiveScope', 'oversubscribe', 'nodeList', 'excludeNodes', 'priority', 'reservations', 'licenses', 'noKill', 'propagate', 'getUserEnv', 'image',
];

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function fail(field: string, value: unknown, allowed: string, problem?: string): never {
  throw new SbatchError(`invalid JobSpec field ${field} = ${show(value)}: ${problem ? `${problem}; ` : ''}expected ${allowed}`, {
    field,
    value: show(value),
    allowed,
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

function int(field: string, v: unknown, min: number, max: number, nullable = true): void {
  if (nullable && v === null) return;
  if (!isInt(v, min, max)) fail(field, v, `${nullable ? 'null or ' : ''}a whole number from ${min} to ${max}`);
}

function text(field: string, v: unknown, opts: { nullable?: boolean; max: number; spaces: boolean; what: string }): void {
  if (opts.nullable !== false && v === null) return;
  const allowed = `${opts.nullable !== false ? 'null or ' : ''}${opts.what} of 1 to ${opts.max} characters without ${opts.spaces ? '' : 'spaces or '}control characters`;
  if (typeof v !== 'string' || v === '' || v.length > opts.max || (opts.spaces ? CONTROL : WHITESPACE_OR_CONTROL).test(v)) fail(field, v, allowed);
}

function stringList(field: string, v: unknown, check: (item: unknown, path: string) => void): void {
  if (!Array.isArray(v)) fail(field, v, 'a list');
  v.forEach((item, i) => check(item, `${field}[${i}]`));
}

function timeLimit(field: string, v: unknown): void {
  if (v === null || v === -1) return;
  if (!isInt(v, 1, MAX_TIME_MINUTES)) fail(field, v, `null, -1 (unlimited) or minutes from 1 to ${MAX_TIME_MINUTES}`);
}

function checkScript(spec: JobSpec, limits: Partial<ParseLimits>): void {
  const s: unknown = spec.script;
  if (typeof s !== 'string') fail('script', s, 'the script text');
  if (limits.maxScriptBytes !== undefined && Buffer.byteLength(s, 'utf8') > limits.maxScriptBytes) {
    fail('script', `${Buffer.byteLength(s, 'utf8')} bytes`, `at most ${limits.maxScriptBytes} bytes`);
  }
  if (!s.startsWith('#!')) fail('script', s.slice(0, 40), 'a script whose first line starts with #! and an interpreter');
  if (s.includes('\0')) fail('script', 'a NUL character', 'text without NUL characters');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) fail('script', 'invalid UTF-16', 'valid Unicode text');
  if (s.includes('\r\n')) fail('script', 'DOS line breaks', 'UNIX line breaks (\\n)');
}

function checkFields(spec: JobSpec, limits: Partial<ParseLimits>): void {
  const maxArraySize = limits.maxArraySize ?? ABSOLUTE_MAX_ARRAY_SIZE;
  text('name', spec.name, { nullable: false, max: MAX_NAME_LENGTH, spaces: true, what: 'a job name' });
  stringList('partitions', spec.partitions, (p, path) => {
    if (typeof p !== 'string' || !PARTITION_NAME.test(p)) fail(path, p, 'a partition name (letters, digits, ".", "-" and "_", 1-64)');
  });
  if (new Set(spec.partitions).size !== spec.partitions.length) fail('partitions', spec.partitions, 'each partition named once');
  timeLimit('timeLimitMinutes', spec.timeLimitMinutes);
  timeLimit('timeMinMinutes', spec.timeMinMinutes);

  if (spec.nodes !== null) {
    if (!isObject(spec.nodes)) fail('nodes', spec.nodes, 'null or {min, max}');
    int('nodes.min', spec.nodes.min, 1, MAX_COUNT, false);
    int('nodes.max', spec.nodes.max, 1, MAX_COUNT, false);
    if (spec.nodes.max < spec.nodes.min) fail('nodes', spec.nodes, 'min <= max');
  }
  int('ntasks', spec.ntasks, 1, MAX_COUNT);
  int('ntasksPerNode', spec.ntasksPerNode, 1, MAX_COUNT);
  int('cpusPerTask', spec.cpusPerTask, 1, MAX_COUNT);

  int('memPerNodeMB', spec.memPerNodeMB, 0, MAX_MEMORY_MB);
  int('memPerCpuMB', spec.memPerCpuMB, 1, MAX_MEMORY_MB);
  int('memPerGpuMB', spec.memPerGpuMB, 1, MAX_MEMORY_MB);
  const memoryFields = (['memPerNodeMB', 'memPerCpuMB', 'memPerGpuMB'] as const).filter((f) => spec[f] !== null);
  if (memoryFields.length > 1) fail(memoryFields.join('/'), memoryFields.map((f) => spec[f]), 'only one of memPerNodeMB, memPerCpuMB and memPerGpuMB');

  if (spec.gpus !== null) {
    if (!isObject(spec.gpus)) fail('gpus', spec.gpus, 'null or {count, type, per}');
    int('gpus.count', spec.gpus.count, 1, MAX_COUNT, false);
    if (spec.gpus.type !== null && (typeof spec.gpus.type !== 'string' || !GPU_TYPE.test(spec.gpus.type) || spec.gpus.type.length > MAX_NAME_LENGTH)) {
      fail('gpus.type', spec.gpus.type, 'null or a GPU type name (letters, digits, ".", "-", "_")');
    }
    if (!['job', 'node', 'task'].includes(spec.gpus.per)) fail('gpus.per', spec.gpus.per, 'job, node or task');
  }

  if (spec.array !== null) {
    if (!isObject(spec.array)) fail('array', spec.array, 'null or {indices, maxConcurrent}');
    const indices: unknown = spec.array.indices;
    if (!Array.isArray(indices) || indices.length === 0) fail('array.indices', indices, 'a non-empty list of indices');
    indices.forEach((index, i) => {
      if (!isInt(index, 0, maxArraySize - 1)) fail(`array.indices[${i}]`, index, `an index from 0 to ${maxArraySize - 1}`);
      if (i > 0 && index <= indices[i - 1]) fail(`array.indices[${i}]`, index, 'ascending indices without duplicates');
    });
    int('array.maxConcurrent', spec.array.maxConcurrent, 1, MAX_COUNT);
  }

  if (spec.dependency !== null) {
    if (!isObject(spec.dependency)) fail('dependency', spec.dependency, 'null or {mode, items}');
    if (spec.dependency.mode !== 'all' && spec.dependency.mode !== 'any') fail('dependency.mode', spec.dependency.mode, 'all or any');
    const items: unknown = spec.dependency.items;
    if (!Array.isArray(items) || items.length === 0) fail('dependency.items', items, 'a non-empty list');
    items.forEach((item: unknown, i) => {
      const path = `dependency.items[${i}]`;
      if (!isObject(item)) fail(path, item, '{type, jobIds, arrayTaskIds, delayMinutes}');
      if (!(DEPENDENCY_TYPES as readonly unknown[]).includes(item.type)) fail(`${path}.type`, item.type, DEPENDENCY_TYPES.join(', '));
      const jobIds: unknown = item.jobIds;
      if (!Array.isArray(jobIds)) fail(`${path}.jobIds`, jobIds, 'a list of job ids');
      if ((item.type === 'singleton') !== (jobIds.length === 0)) fail(`${path}.jobIds`, jobIds, 'no job ids for singleton, at least one otherwise');
      jobIds.forEach((id, k) => int(`${path}.jobIds[${k}]`, id, 1, MAX_JOB_ID, false));
      if (item.arrayTaskIds !== undefined) {
        const tasks: unknown = item.arrayTaskIds;
        if (!Array.isArray(tasks) || tasks.length !== jobIds.length) fail(`${path}.arrayTaskIds`, tasks, 'one entry (a task index or null) per job id');
        tasks.forEach((t, k) => int(`${path}.arrayTaskIds[${k}]`, t, 0, ABSOLUTE_MAX_ARRAY_SIZE - 1));
      }
      if (item.delayMinutes !== null && item.type !== 'after') fail(`${path}.delayMinutes`, item.delayMinutes, 'null: a delay is only allowed with after');
      int(`${path}.delayMinutes`, item.delayMinutes, 0, MAX_TIME_MINUTES);
    });
  }

  for (const field of ['output', 'error', 'input', 'workdir'] as const) {
    text(field, spec[field], { max: MAX_PATH_LENGTH, spaces: true, what: field === 'workdir' ? 'a directory' : 'a file name pattern' });
  }
  if (spec.openMode !== null && spec.openMode !== 'truncate' && spec.openMode !== 'append') fail('openMode', spec.openMode, 'null, truncate or append');

  if (!isObject(spec.export)) fail('export', spec.export, '{mode, vars}');
  if (!['ALL', 'NONE', 'NIL'].includes(spec.export.mode)) fail('export.mode', spec.export.mode, 'ALL, NONE or NIL');
  if (!isObject(spec.export.vars)) fail('export.vars', spec.export.vars, 'an object of NAME: value or null');
  for (const [name, value] of Object.entries(spec.export.vars)) {
    if (!ENV_NAME.test(name)) fail(`export.vars.${name}`, name, 'a variable name of letters, digits and _');
    if (value !== null && (typeof value !== 'string' || value.includes('\0'))) fail(`export.vars.${name}`, value, 'null or a string without NUL');
  }
  if (!isObject(spec.environment)) fail('environment', spec.environment, 'an object of NAME: value');
  for (const [name, value] of Object.entries(spec.environment)) {
    if (name === '' || name.includes('=') || name.includes('\0')) fail(`environment.${name}`, name, 'a variable name without "=" or NUL');
    if (typeof value !== 'string' || value.includes('\0')) fail(`environment.${name}`, value, 'a string without NUL');
  }

  text('account', spec.account, { max: MAX_NAME_LENGTH, spaces: false, what: 'an account name' });
  text('qos', spec.qos, { max: MAX_NAME_LENGTH, spaces: false, what: 'a QOS name' });
  text('constraint', spec.constraint, { max: MAX_TEXT_LENGTH, spaces: false, what: 'a feature expression' });
  text('comment', spec.comment, { max: MAX_TEXT_LENGTH, spaces: true, what: 'a comment' });
  text('mailUser', spec.mailUser, { max: MAX_NAME_LENGTH, spaces: false, what: 'a mail user' });
  if (typeof spec.exclusive !== 'boolean') fail('exclusive', spec.exclusive, 'true or false');
  if (typeof spec.hold !== 'boolean') fail('hold', spec.hold, 'true or false');
  if (spec.requeue !== null && typeof spec.requeue !== 'boolean') fail('requeue', spec.requeue, 'null, true or false');

  for (const field of ['begin', 'deadline'] as const) {
    const v: unknown = spec[field];
    if (v !== null && (typeof v !== 'string' || !ISO_INSTANT.test(v) || Number.isNaN(Date.parse(v)))) {
      fail(field, v, 'null or an ISO-8601 instant such as 2030-01-20T12:34:00.000Z');
    }
  }
  if (spec.signal !== null) {
    if (!isObject(spec.signal)) fail('signal', spec.signal, 'null or {signal, seconds, batchOnly}');
    if (typeof spec.signal.signal !== 'string' || normaliseSignal(spec.signal.signal) !== spec.signal.signal) {
      fail('signal.signal', spec.signal.signal, 'a signal name without SIG (USR1, TERM, …) or a number 1-64 without a name');
    }
    int('signal.seconds', spec.signal.seconds, 0, MAX_SIGNAL_SECONDS, false);
    if (typeof spec.signal.batchOnly !== 'boolean') fail('signal.batchOnly', spec.signal.batchOnly, 'true or false');
  }
  stringList('mailType', spec.mailType, (t, path) => {
    if (!(MAIL_TYPES as readonly unknown[]).includes(t)) fail(path, t, MAIL_TYPES.join(', '));
  });
  if (new Set(spec.mailType).size !== spec.mailType.length) fail('mailType', spec.mailType, 'each mail type once');
  int('nice', spec.nice, -MAX_NICE, MAX_NICE);
  stringList('scriptArgs', spec.scriptArgs, (a, path) => {
    if (typeof a !== 'string' || a.includes('\0')) fail(path, a, 'a string without NUL');
  });
  checkScript(spec, limits);
}

function checkOptionalFields(spec: JobSpec): void {
  if (spec.exclusiveScope !== undefined) {
    if (spec.exclusiveScope !== 'user' && spec.exclusiveScope !== 'mcs') fail('exclusiveScope', spec.exclusiveScope, 'user or mcs');
    if (!spec.exclusive) fail('exclusiveScope', spec.exclusiveScope, 'exclusive: true together with exclusiveScope');
  }
  if (spec.oversubscribe !== undefined) {
    if (typeof spec.oversubscribe !== 'boolean') fail('oversubscribe', spec.oversubscribe, 'true or false');
    if (spec.oversubscribe && spec.exclusive) fail('oversubscribe', spec.oversubscribe, 'not both exclusive and oversubscribe');
  }
  for (const field of ['nodeList', 'excludeNodes'] as const) {
    const v: unknown = spec[field];
    if (v !== undefined && (typeof v !== 'string' || !/^[A-Za-z0-9._\-[\],]+$/.test(v) || v.length > MAX_TEXT_LENGTH)) {
      fail(field, v, 'a hostlist expression such as node[1-5,7]');
    }
  }
  if (spec.priority !== undefined && spec.priority !== 'TOP') int('priority', spec.priority, 0, MAX_PRIORITY, false);
  if (spec.reservations !== undefined) {
    stringList('reservations', spec.reservations, (r, path) => text(path, r, { nullable: false, max: MAX_NAME_LENGTH, spaces: false, what: 'a reservation name' }));
    if (spec.reservations.length === 0) fail('reservations', spec.reservations, 'at least one reservation name');
  }
  if (spec.licenses !== undefined) {
    stringList('licenses', spec.licenses, (l, path) => {
      if (!isObject(l) || typeof l.name !== 'string' || !/^[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?$/.test(l.name)) fail(path, l, '{name, count}');
      int(`${path}.count`, l.count, 1, MAX_COUNT, false);
    });
    if (spec.licenses.length === 0) fail('licenses', spec.licenses, 'at least one license');
  }
  if (spec.noKill !== undefined && typeof spec.noKill !== 'boolean') fail('noKill', spec.noKill, 'true or false');
  if (spec.propagate !== undefined) {
    const names: readonly unknown[] = ['ALL', 'NONE', ...RLIMIT_NAMES];
    stringList('propagate', spec.propagate, (p, path) => {
      if (!names.includes(p)) fail(path, p, names.join(', '));
    });
    if (spec.propagate.length === 0) fail('propagate', spec.propagate, 'at least one name');
  }
  if (spec.getUserEnv !== undefined) {
    if (!isObject(spec.getUserEnv)) fail('getUserEnv', spec.getUserEnv, '{timeoutSeconds, mode}');
    int('getUserEnv.timeoutSeconds', spec.getUserEnv.timeoutSeconds, 1, MAX_GET_USER_ENV_SECONDS);
    if (![null, 'S', 'L'].includes(spec.getUserEnv.mode)) fail('getUserEnv.mode', spec.getUserEnv.mode, 'null, S or L');
  }
  if (spec.image !== undefined) text('image', spec.image, { nullable: false, max: MAX_PATH_LENGTH, spaces: false, what: 'a container image reference' });
}

/**
 * The invariants every engine translation may rely on. Used after parsing and for JobSpecs given
 * as structured input, so it trusts nothing about shapes or types. With `limits`, the site's array
 * and script limits apply; without, only Slurm's absolute ones.
 */
export function validateJobSpec(spec: JobSpec, limits: Partial<ParseLimits> = {}): void {
  if (!isObject(spec)) fail('spec', spec, 'a JobSpec object');
  const record = spec as unknown as Record<string, unknown>;
  for (const field of REQUIRED_FIELDS) if (!(field in record)) fail(field, undefined, 'the field to be present (null when not set)');
  const known = new Set<string>([...REQUIRED_FIELDS, ...OPTIONAL_FIELDS]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length) fail(unknown[0], record[unknown[0]], `only JobSpec fields (${[...known].join(', ')})`, 'unknown field');
  for (const field of OPTIONAL_FIELDS) if (field in record && record[field] === undefined) fail(field, undefined, 'the field to be absent or set');

  checkFields(spec, limits);
  checkOptionalFields(spec);

  const name: Namer = (field) => `${field} (${show(spec[field])})`;
  for (const rule of CROSS_RULES) {
    if (rule.violated(spec)) {
      throw new SbatchError(`invalid JobSpec: ${rule.message(name, spec)}; expected ${rule.allowed}`, { field: rule.field, value: show(spec[rule.field]), allowed: rule.allowed });
    }
  }
}
