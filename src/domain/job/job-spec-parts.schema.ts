import { z } from 'zod';
import { ABSOLUTE_MAX_ARRAY_SIZE, MAX_COUNT, MAX_GET_USER_ENV_SECONDS, MAX_JOB_ID, MAX_NAME_LENGTH, MAX_SIGNAL_SECONDS, MAX_TEXT_LENGTH, MAX_TIME_MINUTES } from './job-spec-limits';
import { DEPENDENCY_TYPES, MAIL_TYPES, RLIMIT_NAMES } from './job-spec-values';
import { normaliseSignal } from './signal-names';
import { boolean, entries, nullableWholeNumber, oneOf, strictObject, text, wholeNumber } from './spec-checks';

/** The nested parts of a JobSpec (job-spec.schema.ts puts them together). */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GPU_TYPE = /^[A-Za-z0-9_.-]+$/;
const HOSTLIST = /^[A-Za-z0-9._\-[\],]+$/;
const LICENSE_NAME = /^[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?$/;

export const nodeRangeSchema = strictObject(
  'NodeRange',
  { min: wholeNumber(1, MAX_COUNT), max: wholeNumber(1, MAX_COUNT) },
  'null or {min, max}',
  (n, ctx) => {
    if (n.min > n.max) ctx.addIssue({ code: 'custom', message: 'min <= max' });
  },
);

const GPU_TYPE_ALLOWED = 'null or a GPU type name (letters, digits, ".", "-", "_")';
export const gpuRequestSchema = strictObject(
  'GpuRequest',
  {
    count: wholeNumber(1, MAX_COUNT),
    type: z
      .string({ error: GPU_TYPE_ALLOWED })
      .max(MAX_NAME_LENGTH, { error: GPU_TYPE_ALLOWED })
      .regex(GPU_TYPE, { error: GPU_TYPE_ALLOWED })
      .nullable()
      .describe('GPU type (a100); null = any.'),
    per: oneOf(['job', 'node', 'task'], 'job, node or task').meta({ id: 'GpuPer', description: 'What the count is per: --gpus, --gpus-per-node, --gpus-per-task.' }),
  },
  'null or {count, type, per}',
);

/** Array indices: below the site's MaxArraySize, Slurm's absolute ceiling without one. */
export function arraySpecSchema(maxArraySize = ABSOLUTE_MAX_ARRAY_SIZE) {
  const indices = z
    .array(wholeNumber(0, maxArraySize - 1, `an index from 0 to ${maxArraySize - 1}`), { error: 'a non-empty list of indices' })
    .min(1, { error: 'a non-empty list of indices' })
    .superRefine((list, ctx) => {
      for (let i = 1; i < list.length; i++) {
        if (list[i] <= list[i - 1]) return ctx.addIssue({ code: 'custom', path: [i], message: 'ascending indices without duplicates' });
      }
    });
  return strictObject(
    'ArraySpec',
    {
      indices: indices.describe('Expanded task ids, ascending, unique.'),
      maxConcurrent: nullableWholeNumber(1, MAX_COUNT).describe('`%N` throttle; null = no limit.'),
    },
    'null or {indices, maxConcurrent}',
  );
}

export const dependencyItemSchema = strictObject(
  'DependencyItem',
  {
    type: oneOf(DEPENDENCY_TYPES).meta({ id: 'DependencyType' }),
    jobIds: z
      .array(wholeNumber(1, MAX_JOB_ID), { error: 'a list of job ids' })
      .describe('Gateway job ids (empty for `singleton`). A `123_4` item names one array task: see `arrayTaskIds`.'),
    arrayTaskIds: z
      .array(nullableWholeNumber(0, ABSOLUTE_MAX_ARRAY_SIZE - 1), { error: 'one entry (a task index or null) per job id' })
      .exactOptional()
      .describe('Per job id, the array task named (`123_4`), or null for the whole job. Same length as jobIds.'),
    delayMinutes: nullableWholeNumber(0, MAX_TIME_MINUTES).describe('`after:123+5` waits 5 minutes after the start; null otherwise.'),
  },
  '{type, jobIds, arrayTaskIds, delayMinutes}',
  (item, ctx) => {
    if ((item.type === 'singleton') !== (item.jobIds.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['jobIds'], message: 'no job ids for singleton, at least one otherwise' });
    } else if (item.arrayTaskIds !== undefined && item.arrayTaskIds.length !== item.jobIds.length) {
      ctx.addIssue({ code: 'custom', path: ['arrayTaskIds'], message: 'one entry (a task index or null) per job id' });
    } else if (item.delayMinutes !== null && item.type !== 'after') {
      ctx.addIssue({ code: 'custom', path: ['delayMinutes'], message: 'null: a delay is only allowed with after' });
    }
  },
);

export const dependencySpecSchema = strictObject(
  'DependencySpec',
  {
    mode: oneOf(['all', 'any'], 'all or any').meta({ id: 'DependencyMode', description: '`,` = all must be satisfied, `?` = any.' }),
    items: z.array(dependencyItemSchema, { error: 'a non-empty list' }).min(1, { error: 'a non-empty list' }),
  },
  'null or {mode, items}',
);

const isText = (v: unknown): v is string => typeof v === 'string' && !v.includes('\0');
export const exportSpecSchema = strictObject(
  'ExportSpec',
  {
    mode: oneOf(['ALL', 'NONE', 'NIL'], 'ALL, NONE or NIL').meta({ id: 'ExportMode' }),
    vars: entries(
      { key: (name) => ENV_NAME.test(name), value: (v): v is string | null => v === null || isText(v) },
      { object: 'an object of NAME: value or null', key: 'a variable name of letters, digits and _', value: 'null or a string without NUL' },
      { OMP_NUM_THREADS: '4', HOME: null },
    ).describe('Variables named in --export: a value (`NAME=value`) or null (`NAME`: take it from the submitter).'),
  },
  '{mode, vars}',
);

/** The submitter's environment: any names a process can carry, unlike --export's shell names. */
export const environmentSchema = entries(
  { key: (name) => name !== '' && !name.includes('=') && !name.includes('\0'), value: isText },
  { object: 'an object of NAME: value', key: 'a variable name without "=" or NUL', value: 'a string without NUL' },
  { HOME: '/home/ada', PATH: '/usr/bin:/bin' },
);

const SIGNAL_ALLOWED = 'a signal name without SIG (USR1, TERM, …) or a number 1-64 without a name';
export const signalSpecSchema = strictObject(
  'SignalSpec',
  {
    signal: z
      .string({ error: SIGNAL_ALLOWED })
      .refine((s) => normaliseSignal(s) === s, { error: SIGNAL_ALLOWED })
      .describe('Signal name without SIG (`USR1`) or number as text.'),
    seconds: wholeNumber(0, MAX_SIGNAL_SECONDS).describe('Seconds before the time limit.'),
    batchOnly: boolean().describe('`B:` prefix: signal only the batch shell.'),
  },
  'null or {signal, seconds, batchOnly}',
);

const LICENSE_ALLOWED = 'a license name (letters, digits, ".", "-", "_"), with @server for a remote license';
export const licenseRequestSchema = strictObject(
  'LicenseRequest',
  {
    name: z
      .string({ error: LICENSE_ALLOWED })
      .max(MAX_NAME_LENGTH, { error: LICENSE_ALLOWED })
      .regex(LICENSE_NAME, { error: LICENSE_ALLOWED })
      .describe('License name, with `@server` for remote licenses.'),
    count: wholeNumber(1, MAX_COUNT),
  },
  '{name, count}',
);

export const getUserEnvSpecSchema = strictObject(
  'GetUserEnvSpec',
  {
    timeoutSeconds: nullableWholeNumber(1, MAX_GET_USER_ENV_SECONDS).describe("Seconds to wait for the login environment; null = Slurm's default (8)."),
    mode: oneOf(['S', 'L'], 'null, S or L').meta({ id: 'GetUserEnvMode' }).nullable().describe('`S`: su without `-`; `L`: login shell (su -); null = site default.'),
  },
  '{timeoutSeconds, mode}',
);

export const mailTypeSchema = oneOf(MAIL_TYPES).meta({ id: 'MailType' });

const HOSTLIST_ALLOWED = 'a hostlist expression such as node[1-5,7]';
export const hostListSchema = z.string({ error: HOSTLIST_ALLOWED }).max(MAX_TEXT_LENGTH, { error: HOSTLIST_ALLOWED }).regex(HOSTLIST, { error: HOSTLIST_ALLOWED });

export const propagateNameSchema = oneOf(['ALL', 'NONE', ...RLIMIT_NAMES]).meta({ id: 'PropagateName' });

export const reservationNameSchema = text('a reservation name', MAX_NAME_LENGTH, false);
