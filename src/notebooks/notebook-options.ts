import { badInput } from '../common/domain-error';
import { formatTimeValue, memoryValueMB, timeValueMinutes } from '../sbatch';
import { type Bounds, type ResolvedProfile, formatMemory } from './notebook-profiles';

/** What a notebook runs with, normalized (the contract's `options` JSON plus the numbers behind it). */
export interface NotebookOptions {
  cpus: number;
  memory: string;
  gpus: number;
  time: string;
  image: string | null;
}

export interface ResolvedOptions extends NotebookOptions {
  memoryMB: number;
  timeMinutes: number;
}

export const OPTION_NAMES = ['cpus', 'memory', 'gpus', 'time', 'image'] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

export const OPTION_LABELS: Record<OptionName, { label: string; kind: 'integer' | 'memory' | 'duration' | 'choice' }> = {
  cpus: { label: 'CPUs', kind: 'integer' },
  memory: { label: 'Memory', kind: 'memory' },
  gpus: { label: 'GPUs', kind: 'integer' },
  time: { label: 'Time limit', kind: 'duration' },
  image: { label: 'Image', kind: 'choice' },
};

/** The options a user may change in this profile, in the contract's order. */
export function changeable(profile: ResolvedProfile): OptionName[] {
  const u = profile.userOptions;
  const has: Record<OptionName, unknown> = { cpus: u.cpus, memory: u.memoryMB, gpus: u.gpus, time: u.timeMinutes, image: u.image };
  return OPTION_NAMES.filter((n) => has[n] !== undefined);
}

export function defaultOptions(profile: ResolvedProfile): ResolvedOptions {
  return {
    cpus: profile.cpus,
    memory: formatMemory(profile.memoryMB),
    memoryMB: profile.memoryMB,
    gpus: profile.gpus,
    time: formatTimeValue(profile.defaultTimeMinutes),
    timeMinutes: profile.defaultTimeMinutes,
    image: profile.image,
  };
}

/** An HTML form sends strings, and JupyterHub's options_from_form lists of one string: both are accepted. */
function scalar(name: OptionName, value: unknown): string | number {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof v === 'number' || typeof v === 'string') return typeof v === 'string' ? v.trim() : v;
  throw badInput(`notebook option ${name} must be a number or a string, got ${Array.isArray(value) ? 'a list' : typeof value}`, { field: name });
}

function inRange(name: OptionName, value: number, b: Bounds, show: (n: number) => string): void {
  if (value < b.min || value > b.max) {
    throw badInput(`notebook option ${name} = ${show(value)} is out of bounds: allowed ${show(b.min)} to ${show(b.max)}`, { field: name, allowed: { min: show(b.min), max: show(b.max) } });
  }
}

function integer(name: OptionName, raw: string | number, b: Bounds): number {
  const n = typeof raw === 'number' ? raw : /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw badInput(`notebook option ${name} must be a whole number from ${b.min} to ${b.max}, got "${raw}"`, { field: name, allowed: { min: String(b.min), max: String(b.max) } });
  inRange(name, n, b, String);
  return n;
}

function grammar(name: OptionName, raw: string | number, b: Bounds, parse: (s: string) => number, show: (n: number) => string): number {
  let n: number;
  try {
    n = parse(String(raw));
  } catch (e) {
    throw badInput(`notebook option ${name} = "${raw}" is invalid: ${(e as Error).message}`, { field: name, allowed: { min: show(b.min), max: show(b.max) } });
  }
  if (n === -1) throw badInput(`notebook option ${name} needs a finite time from ${show(b.min)} to ${show(b.max)}`, { field: name, allowed: { min: show(b.min), max: show(b.max) } });
  inRange(name, n, b, show);
  return n;
}

/**
 * A spawn's options checked against the profile and normalized. Absent options take the profile's
 * values; an option the profile does not let users change is accepted only with the profile's own value.
 */
export function resolveOptions(profile: ResolvedProfile, input: unknown): ResolvedOptions {
  const result = defaultOptions(profile);
  if (input === null || input === undefined) return result;
  if (typeof input !== 'object' || Array.isArray(input)) throw badInput('notebook options must be an object of option: value', { field: 'options', allowed: OPTION_NAMES });
  const mayChange = changeable(profile);
  const u = profile.userOptions;
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw badInput(`unknown notebook option "${name}"; options are ${OPTION_NAMES.join(', ')} (profile ${profile.name} lets users change: ${mayChange.join(', ') || 'nothing'})`, { field: name, allowed: mayChange });
    }
    const key = name as OptionName;
    if (value === null || value === undefined || value === '') continue;
    const raw = scalar(key, value);
    const fixed = { cpus: { min: profile.cpus, max: profile.cpus }, memoryMB: { min: profile.memoryMB, max: profile.memoryMB }, gpus: { min: profile.gpus, max: profile.gpus }, timeMinutes: { min: result.timeMinutes, max: result.timeMinutes } };
    try {
      if (key === 'cpus') result.cpus = integer(key, raw, u.cpus ?? fixed.cpus);
      if (key === 'gpus') result.gpus = integer(key, raw, u.gpus ?? fixed.gpus);
      if (key === 'memory') {
        result.memoryMB = grammar(key, raw, u.memoryMB ?? fixed.memoryMB, memoryValueMB, formatMemory);
        result.memory = formatMemory(result.memoryMB);
      }
      if (key === 'time') {
        result.timeMinutes = grammar(key, raw, u.timeMinutes ?? fixed.timeMinutes, timeValueMinutes, formatTimeValue);
        result.time = formatTimeValue(result.timeMinutes);
      }
      if (key === 'image') {
        const choices = u.image ?? (profile.image ? [profile.image] : []);
        if (!choices.includes(String(raw))) throw badInput(`notebook option image = "${raw}" is not offered: allowed ${choices.join(', ') || 'none'}`, { field: key, allowed: choices });
        result.image = String(raw);
      }
    } catch (e) {
      // The profile's own value passed the fixed bounds; anything else on a fixed option is refused as such.
      if (!mayChange.includes(key)) {
        throw badInput(`notebook option ${key} cannot be changed in profile ${profile.name}; options users may change: ${mayChange.join(', ') || 'none'}`, { field: key, allowed: mayChange });
      }
      throw e;
    }
  }
  return result;
}

/** The options as the contract's JSON shows them. */
export function publicOptions(o: NotebookOptions): NotebookOptions {
  return { cpus: o.cpus, memory: o.memory, gpus: o.gpus, time: o.time, image: o.image };
}
