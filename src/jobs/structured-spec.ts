import { badInput } from '../common/domain-error';
import { jobSpecDefaults, type JobSpec } from '../domain/job';

/** Optional JobSpec fields, present only when their option was given (see JobSpec). */
const OPTIONAL_FIELDS = ['exclusiveScope', 'oversubscribe', 'nodeList', 'excludeNodes', 'priority', 'reservations', 'licenses', 'noKill', 'propagate', 'getUserEnv', 'image'];

/**
 * `submitJob(input)`: a JobSpec given as JSON, with absent fields defaulted. Unknown fields and
 * wrongly typed ones are refused by name; the deep checks are validateJobSpec's, shared with sbatch.
 */
export function buildStructuredSpec(input: unknown): JobSpec {
  const DEFAULTS = jobSpecDefaults();
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw badInput('input must be a JobSpec object', { field: 'input' });
  const given = input as Record<string, unknown>;
  const known = new Set([...Object.keys(DEFAULTS), ...OPTIONAL_FIELDS, 'script']);
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length) throw badInput(`unknown JobSpec field(s): ${unknown.join(', ')}; allowed: ${[...known].join(', ')}`, { field: unknown[0] });
  if (typeof given.script !== 'string') throw badInput('input.script is required: the batch script body, starting with #!', { field: 'script' });
  for (const [key, value] of Object.entries(given)) {
    const def = (DEFAULTS as Record<string, unknown>)[key];
    if (key === 'script' || value === null || def === null || def === undefined) continue;
    const want = Array.isArray(def) ? 'array' : typeof def;
    const got = Array.isArray(value) ? 'array' : typeof value;
    if (want !== got) throw badInput(`input.${key} must be ${want === 'object' ? 'an object' : `a ${want}`}, got ${got}`, { field: key });
  }
  if (!given.script.startsWith('#!')) {
    throw badInput('This does not look like a batch script. The first line must start with #! followed by the path to an interpreter.', { field: 'script' });
  }
  return { ...DEFAULTS, ...given } as JobSpec;
}
