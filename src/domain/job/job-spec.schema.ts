import { z } from 'zod';
import {
  MAX_COUNT,
  MAX_MEMORY_MB,
  MAX_NAME_LENGTH,
  MAX_NICE,
  MAX_PATH_LENGTH,
  MAX_PRIORITY,
  MAX_TEXT_LENGTH,
  MAX_TIME_MINUTES,
  type JobSpecLimits,
} from './job-spec-limits';
import {
  arraySpecSchema,
  dependencySpecSchema,
  environmentSchema,
  exportSpecSchema,
  getUserEnvSpecSchema,
  gpuRequestSchema,
  hostListSchema,
  licenseRequestSchema,
  mailTypeSchema,
  nodeRangeSchema,
  propagateNameSchema,
  reservationNameSchema,
  signalSpecSchema,
} from './job-spec-parts.schema';
import { PARTITION_NAME } from './job-spec-values';
import { boolean, nullableText, nullableWholeNumber, oneOf, strictObject, text, uniqueList, wholeNumber, withoutNul } from './spec-checks';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const TIME_ALLOWED = `null, -1 (unlimited) or minutes from 1 to ${MAX_TIME_MINUTES}`;
/** Minutes; -1 is UNLIMITED, 0 is not a time limit. */
const minutes = () =>
  wholeNumber(-1, MAX_TIME_MINUTES, TIME_ALLOWED)
    .refine((m) => m !== 0, { error: TIME_ALLOWED })
    .nullable();

const INSTANT_ALLOWED = 'null or an ISO-8601 instant such as 2030-01-20T12:34:00.000Z';
const instant = () =>
  z
    .string({ error: INSTANT_ALLOWED })
    .regex(ISO_INSTANT, { error: INSTANT_ALLOWED })
    .refine((v) => !Number.isNaN(Date.parse(v)), { error: INSTANT_ALLOWED })
    .nullable();

/** The script body: checked in the order a user fixes it, each refusal showing a summary rather than 4 MiB. */
function scriptSchema(maxScriptBytes: number | undefined) {
  return z.string({ error: 'the script text' }).superRefine((s, ctx) => {
    const refuse = (allowed: string, shown: string) => ctx.addIssue({ code: 'custom', message: allowed, params: { shown } });
    const bytes = maxScriptBytes === undefined ? 0 : Buffer.byteLength(s, 'utf8');
    if (maxScriptBytes !== undefined && bytes > maxScriptBytes) return refuse(`at most ${maxScriptBytes} bytes`, `${bytes} bytes`);
    if (!s.startsWith('#!')) return refuse('a script whose first line starts with #! and an interpreter', s.slice(0, 40));
    if (s.includes('\0')) return refuse('text without NUL characters', 'a NUL character');
    if (LONE_SURROGATE.test(s)) return refuse('valid Unicode text', 'invalid UTF-16');
    if (s.includes('\r\n')) return refuse('UNIX line breaks (\\n)', 'DOS line breaks');
  });
}

/**
 * Every field of a JobSpec, as given to `submitJob`: an absent field takes the value sbatch gives
 * it when its option is absent (`.default`); the optional ones stay absent (`.exactOptional`).
 * Field order is the JSON order of `hpcg sbatch --test-only --json`.
 */
function jobSpecShape(limits: Partial<JobSpecLimits>) {
  const path = (what: string) => nullableText(what, MAX_PATH_LENGTH, true).default(null);
  return {
    name: text('a job name', MAX_NAME_LENGTH, true).default('sbatch'),
    partitions: uniqueList(z.string().regex(PARTITION_NAME, { error: 'a partition name (letters, digits, ".", "-" and "_", 1-64)' }), 'each partition named once')
      .default(() => [])
      .describe('Partitions to try, in order; empty = the default partition.'),
    timeLimitMinutes: minutes().default(null).describe('null = not given; -1 = unlimited.'),
    timeMinMinutes: minutes().default(null),
    nodes: nodeRangeSchema.nullable().default(null),
    ntasks: nullableWholeNumber(1, MAX_COUNT).default(null),
    ntasksPerNode: nullableWholeNumber(1, MAX_COUNT).default(null),
    cpusPerTask: nullableWholeNumber(1, MAX_COUNT).default(null),
    memPerNodeMB: nullableWholeNumber(0, MAX_MEMORY_MB).default(null),
    memPerCpuMB: nullableWholeNumber(1, MAX_MEMORY_MB).default(null),
    memPerGpuMB: nullableWholeNumber(1, MAX_MEMORY_MB).default(null),
    gpus: gpuRequestSchema.nullable().default(null),
    array: arraySpecSchema(limits.maxArraySize).nullable().default(null),
    dependency: dependencySpecSchema.nullable().default(null),
    output: path('a file name pattern').describe('Filename patterns kept raw (`%j %A %a %x %u %%` …); expanded per engine.'),
    error: path('a file name pattern'),
    input: path('a file name pattern'),
    workdir: path('a directory'),
    openMode: oneOf(['truncate', 'append'], 'null, truncate or append').meta({ id: 'OpenMode' }).nullable().default(null),
    export: exportSpecSchema.default(() => ({ mode: 'ALL' as const, vars: {} })),
    environment: environmentSchema.default(() => ({})).describe('The submitter\'s environment captured at submission, used when export mode is ALL.'),
    account: nullableText('an account name', MAX_NAME_LENGTH, false).default(null),
    qos: nullableText('a QOS name', MAX_NAME_LENGTH, false).default(null),
    constraint: nullableText('a feature expression', MAX_TEXT_LENGTH, false).default(null),
    comment: nullableText('a comment', MAX_TEXT_LENGTH, true).default(null),
    exclusive: boolean().default(false),
    requeue: boolean('null, true or false').nullable().default(null),
    hold: boolean().default(false),
    begin: instant().default(null).describe('ISO-8601 instant, resolved at parse time from Slurm\'s begin grammar.'),
    deadline: instant().default(null),
    signal: signalSpecSchema.nullable().default(null),
    mailType: uniqueList(mailTypeSchema, 'each mail type once').default(() => []),
    mailUser: nullableText('a mail user', MAX_NAME_LENGTH, false).default(null),
    nice: nullableWholeNumber(-MAX_NICE, MAX_NICE).default(null),
    scriptArgs: z
      .array(withoutNul('a string without NUL'), { error: 'a list' })
      .default(() => [])
      .describe('Arguments after the script name, passed to the script as $1 …'),
    script: scriptSchema(limits.maxScriptBytes).describe('Script body, verbatim; its first line starts with #!.'),

    // Optional: present only when the corresponding sbatch option was given.
    exclusiveScope: oneOf(['user', 'mcs'], 'user or mcs')
      .meta({ id: 'ExclusiveScope' })
      .exactOptional()
      .describe('`--exclusive=user|mcs`: share nodes only with the same user / MCS label (`exclusive` is then true).'),
    oversubscribe: boolean().exactOptional().describe('`-s/--oversubscribe`: may share resources with other jobs (never together with `exclusive`).'),
    nodeList: hostListSchema.exactOptional().describe('`-w/--nodelist`: hostlist expression the allocation must include.'),
    excludeNodes: hostListSchema.exactOptional().describe('`-x/--exclude`: hostlist expression the allocation must avoid.'),
    priority: z
      .union([wholeNumber(0, MAX_PRIORITY), z.literal('TOP')], { error: `TOP or a whole number from 0 to ${MAX_PRIORITY}` })
      .exactOptional()
      .describe('`--priority`: a number or TOP; Slurm grants it to operators only.'),
    reservations: z
      .array(reservationNameSchema, { error: 'a list' })
      .min(1, { error: 'at least one reservation name' })
      .exactOptional()
      .describe('`--reservation`: names, the first usable one is taken.'),
    licenses: z.array(licenseRequestSchema, { error: 'a list' }).min(1, { error: 'at least one license' }).exactOptional().describe('`-L/--licenses`.'),
    noKill: boolean().exactOptional().describe('`-k/--no-kill` (false = `--no-kill=off`): keep the job running when one of its nodes fails.'),
    propagate: z
      .array(propagateNameSchema, { error: 'a list' })
      .min(1, { error: 'at least one name' })
      .exactOptional()
      .describe("`--propagate`: resource limit names to carry to the job, or ['ALL'] / ['NONE']."),
    getUserEnv: getUserEnvSpecSchema.exactOptional().describe("`--get-user-env`: load the user's login environment on the execution host."),
    image: text('a container image reference', MAX_PATH_LENGTH, false)
      .exactOptional()
      .describe("Container image for engines that run one (Kubernetes), instead of the partition's; no sbatch option sets it."),
  };
}

type InputShape = ReturnType<typeof jobSpecShape>;
/** The same fields with nothing defaulted: a stored or parsed JobSpec has every field. */
type CompleteShape = { [K in keyof InputShape]: InputShape[K] extends z.ZodDefault<infer T> ? T : InputShape[K] };

const JOB_SPEC_ALLOWED = 'a JobSpec object';

/** `submitJob`'s input: absent fields defaulted, `script` required. */
export function jobSpecInputObject(limits: Partial<JobSpecLimits>) {
  return strictObject('JobSpec', jobSpecShape(limits), JOB_SPEC_ALLOWED);
}

/** A whole JobSpec (the parser's output): a missing field is refused, not defaulted. */
export function jobSpecObject(limits: Partial<JobSpecLimits>) {
  // Object.fromEntries forgets the keys' types; CompleteShape states what the mapping does.
  const shape = Object.fromEntries(
    Object.entries(jobSpecShape(limits)).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field]),
  ) as CompleteShape;
  return strictObject('JobSpec', shape, JOB_SPEC_ALLOWED);
}
