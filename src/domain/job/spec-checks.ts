import { z } from 'zod';

/**
 * Building blocks of the JobSpec schema. Each check carries, as its zod error, the "allowed" text a
 * refusal shows ("expected a whole number from 1 to 1000000"): the schema is the only place that says it.
 */

const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const NO_SPACE_OR_CONTROL = /^[^\s\u0000-\u001f\u007f]*$/;
const NO_NUL = /^[^\0]*$/;

/** What a JobSpec check adds to a zod issue besides its message (the allowed values). */
export interface SpecIssueParams {
  /** What is wrong, when the allowed values alone do not say it. */
  problem?: string;
  /** What to show as the value instead of the one at the issue's path (a summary of a 4 MiB script). */
  shown?: unknown;
  /** The field to name instead of the issue's path, for a rule over several fields. */
  field?: string;
}

/** `null or …` when the value may be null: the message a refusal shows must say so. */
const orNull = (nullable: boolean, allowed: string) => (nullable ? `null or ${allowed}` : allowed);

/** A safe integer in [min, max]. */
export function wholeNumber(min: number, max: number, allowed = `a whole number from ${min} to ${max}`) {
  return z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}

export function nullableWholeNumber(min: number, max: number) {
  return wholeNumber(min, max, orNull(true, `a whole number from ${min} to ${max}`)).nullable();
}

/** One line of text, 1 to `max` characters, without control characters (and, unless `spaces`, without white space). */
export function text(what: string, max: number, spaces: boolean, nullable = false) {
  const allowed = orNull(nullable, `${what} of 1 to ${max} characters without ${spaces ? '' : 'spaces or '}control characters`);
  return z
    .string({ error: allowed })
    .min(1, { error: allowed })
    .max(max, { error: allowed })
    .regex(spaces ? NO_CONTROL : NO_SPACE_OR_CONTROL, { error: allowed });
}

export function nullableText(what: string, max: number, spaces: boolean) {
  return text(what, max, spaces, true).nullable();
}

/** Any text a process can receive (argv, environment): C strings end at NUL. */
export function withoutNul(allowed: string) {
  return z.string({ error: allowed }).regex(NO_NUL, { error: allowed });
}

/** A closed set of strings; the refusal lists them. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, allowed = values.join(', ')) {
  return z.enum(values, { error: allowed });
}

export const boolean = (allowed = 'true or false') => z.boolean({ error: allowed });

/** A list whose items appear once each. */
export function uniqueList<T extends z.ZodType>(item: T, allowed: string) {
  return z.array(item, { error: 'a list' }).refine((list) => new Set(list).size === list.length, { error: allowed });
}

/**
 * An object that refuses fields it does not know, named `name` (the GraphQL input type is named after it).
 * A refusal of an unknown field lists the known ones. `rules` tie its fields together.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(
  name: string,
  shape: S,
  allowed: string,
  rules?: (value: z.output<z.ZodObject<S, z.core.$strict>>, ctx: z.RefinementCtx) => void,
) {
  const fields = Object.keys(shape).join(', ');
  const object = z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `only ${name} fields (${fields})` : allowed) });
  // Refining copies the schema without its id: name the final schema.
  return (rules ? object.superRefine(rules) : object).meta({ id: name });
}

/**
 * An object of NAME: value entries (an environment), checked entry by entry and kept as given: zod's
 * record would copy it, and a copy loses a variable named `__proto__`. `example` shows the form.
 */
export function entries<T>(check: { key: (name: string) => boolean; value: (value: unknown) => value is T }, allowed: { object: string; key: string; value: string }, example: Record<string, T>) {
  return z
    .custom<Record<string, T>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: allowed.object })
    .superRefine((object, ctx) => {
      for (const [name, value] of Object.entries(object)) {
        if (!check.key(name)) return ctx.addIssue({ code: 'custom', path: [name], message: allowed.key, params: { shown: name } });
        if (!check.value(value)) return ctx.addIssue({ code: 'custom', path: [name], message: allowed.value });
      }
    })
    .meta({ examples: [example] });
}
