import type { z } from 'zod';
import type { JobSpec, JobSpecIssueParams } from '../domain/job';
import { SbatchError } from './sbatch-error';

/** A value as a refusal shows it: JSON, cut short ("missing" for an absent field). */
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

/** `array.indices[3]`, `dependency.items[0].type`, `export.vars.FOO`; `spec` for the whole. */
function fieldName(path: readonly PropertyKey[]): string {
  const name = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return name === '' ? 'spec' : name.replace(/^\./, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

const isPresent = (input: unknown, path: readonly PropertyKey[]) => {
  const parent = valueAt(input, path.slice(0, -1));
  return path.length > 0 && parent !== null && typeof parent === 'object' && path[path.length - 1] in parent;
};

/**
 * The one place a schema refusal becomes an SbatchError: `invalid JobSpec field <field> = <value>:
 * [<problem>; ]expected <allowed>`, details `{ field, value, allowed }`. An unknown field is reported
 * before anything else: it is usually a misspelt one, whose right name then looks missing.
 */
export function jobSpecRefusal(error: z.ZodError, input: unknown): SbatchError {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const params: JobSpecIssueParams = (issue.code === 'custom' ? issue.params : undefined) ?? {};
  let path: readonly PropertyKey[] = issue.path;
  let allowed = issue.message;
  let problem = params.problem;
  let value: unknown;
  if (issue.code === 'unrecognized_keys') {
    path = [...issue.path, issue.keys[0]];
    value = valueAt(input, path);
    problem = 'unknown field';
  } else {
    value = 'shown' in params ? params.shown : valueAt(input, path);
    if (value === undefined && !isPresent(input, path) && path.length > 0) allowed = 'the field to be present (null when not set)';
  }

  if (params.crossRule) {
    const { rule, spec } = params.crossRule;
    const name = (field: keyof JobSpec) => `${field} (${show(spec[field])})`;
    return new SbatchError(`invalid JobSpec: ${rule.message(name, spec)}; expected ${allowed}`, { field: rule.field, value: show(spec[rule.field]), allowed });
  }
  const field = params.field ?? fieldName(path);
  return new SbatchError(`invalid JobSpec field ${field} = ${show(value)}: ${problem ? `${problem}; ` : ''}expected ${allowed}`, { field, value: show(value), allowed });
}
