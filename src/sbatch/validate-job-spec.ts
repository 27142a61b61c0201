import type { z } from 'zod';
import { jobSpecInputSchema, jobSpecSchema, type JobSpecLimits, type ValidJobSpec } from '../domain/job';
import { jobSpecRefusal } from './job-spec-refusal';

function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw jobSpecRefusal(result.error, value);
  return result.data;
}

/**
 * A whole JobSpec (every field present), checked against the schema: the invariants every engine
 * translation may rely on. Trusts nothing about shapes or types. With `limits`, the site's array and
 * script limits apply; without, only Slurm's absolute ones.
 */
export function validateJobSpec(spec: unknown, limits: Partial<JobSpecLimits> = {}): ValidJobSpec {
  return check(jobSpecSchema(limits), spec);
}

/** `submitJob`'s input: absent fields defaulted as sbatch would, then the same checks as a parsed script. */
export function parseJobSpecInput(input: unknown, limits: Partial<JobSpecLimits> = {}): ValidJobSpec {
  return check(jobSpecInputSchema(limits), input);
}
