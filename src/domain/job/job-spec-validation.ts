import type { z } from 'zod';
import { CROSS_RULES, type CrossRule } from './cross-field-rules';
import type { JobSpec } from './job-spec';
import type { JobSpecLimits } from './job-spec-limits';
import { jobSpecInputObject, jobSpecObject } from './job-spec.schema';
import type { SpecIssueParams } from './spec-checks';

/** A rule over several fields adds the rule and the parsed spec: the refusal names every field it ties, defaults included. */
export type JobSpecIssueParams = SpecIssueParams & { crossRule?: { rule: CrossRule; spec: JobSpec } };

const MEMORY_FIELDS = ['memPerNodeMB', 'memPerCpuMB', 'memPerGpuMB'] as const;

/** The rules between fields, once every field is valid on its own; the first broken one is reported. */
function checkFieldsTogether(spec: JobSpec, ctx: z.RefinementCtx): void {
  const refuse = (path: string[], allowed: string, params: JobSpecIssueParams = {}) => ctx.addIssue({ code: 'custom', path, message: allowed, params });
  const memory = MEMORY_FIELDS.filter((f) => spec[f] !== null);
  if (memory.length > 1) {
    return refuse([], 'only one of memPerNodeMB, memPerCpuMB and memPerGpuMB', { field: memory.join('/'), shown: memory.map((f) => spec[f]) });
  }
  if (spec.exclusiveScope !== undefined && !spec.exclusive) return refuse(['exclusiveScope'], 'exclusive: true together with exclusiveScope');
  if (spec.oversubscribe && spec.exclusive) return refuse(['oversubscribe'], 'not both exclusive and oversubscribe');
  const rule = CROSS_RULES.find((r) => r.violated(spec));
  if (rule) refuse([rule.field], rule.allowed, { crossRule: { rule, spec } });
}

function buildSchemas(limits: Partial<JobSpecLimits>) {
  return {
    whole: jobSpecObject(limits).superRefine(checkFieldsTogether).brand<'ValidJobSpec'>(),
    input: jobSpecInputObject(limits).superRefine(checkFieldsTogether).brand<'ValidJobSpec'>(),
  };
}

// Building a schema costs far more than using it: one pair per distinct site limits, for the life of the process.
const cache = new Map<string, ReturnType<typeof buildSchemas>>();

function schemasFor(limits: Partial<JobSpecLimits>): ReturnType<typeof buildSchemas> {
  const key = `${limits.maxArraySize}/${limits.maxScriptBytes}`;
  let schemas = cache.get(key);
  if (!schemas) cache.set(key, (schemas = buildSchemas(limits)));
  return schemas;
}

/**
 * A whole JobSpec, every field present: what the parser builds. With `limits`, the site's array and
 * script limits apply; without, only Slurm's absolute ones.
 */
export function jobSpecSchema(limits: Partial<JobSpecLimits> = {}) {
  return schemasFor(limits).whole;
}

/** `submitJob`'s input: absent fields get sbatch's defaults; `script` is required. */
export function jobSpecInputSchema(limits: Partial<JobSpecLimits> = {}) {
  return schemasFor(limits).input;
}

/** A JobSpec the schema accepted. Validate once: what carries this type is not checked again. */
export type ValidJobSpec = z.output<ReturnType<typeof jobSpecSchema>>;

let defaultsSchema: ReturnType<typeof buildDefaultsSchema> | undefined;
const buildDefaultsSchema = () => jobSpecInputObject({}).omit({ script: true });

/** Every field of a JobSpec with the value sbatch would give it when the option is absent (a fresh object each call). */
export function jobSpecDefaults(): Omit<JobSpec, 'script'> {
  defaultsSchema ??= buildDefaultsSchema();
  return defaultsSchema.parse({});
}
