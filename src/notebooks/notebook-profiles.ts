import { formatTimeValue, memoryValueMB, timeValueMinutes } from '../sbatch';
import type { NotebooksConfig, ProfileConfig } from './notebooks-config.schema';

export interface Bounds {
  min: number;
  max: number;
}

/** A profile with its sizes in numbers and the bounds of what users may change. */
export interface ResolvedProfile {
  name: string;
  description: string;
  partition: string;
  cpus: number;
  memoryMB: number;
  gpus: number;
  maxTimeMinutes: number;
  /** maxTime, or the top of the users' time range when that ends lower. */
  defaultTimeMinutes: number;
  image: string | null;
  /** null = everyone the partition admits. */
  allowGroups: string[] | null;
  command: string;
  userOptions: { cpus?: Bounds; memoryMB?: Bounds; gpus?: Bounds; timeMinutes?: Bounds; image?: string[] };
}

export interface ResolvedNotebooks {
  gatewayUrl: string | null;
  command: string;
  python: string;
  ports: string | null;
  /** Inclusive; a registered port must lie in it (and in `ports` when set). */
  portRange: [number, number];
  startTimeoutSeconds: number;
  profiles: ResolvedProfile[];
}

/** The memory grammar's canonical text: the largest unit that divides the size ("4G", "1536M"). */
export function formatMemory(mb: number): string {
  if (mb > 0 && mb % (1024 * 1024) === 0) return `${mb / (1024 * 1024)}T`;
  if (mb > 0 && mb % 1024 === 0) return `${mb / 1024}G`;
  return `${mb}M`;
}

type Fail = (key: string, message: string) => never;

function memory(value: string, key: string, fail: Fail): number {
  try {
    return memoryValueMB(value);
  } catch (e) {
    return fail(key, `"${value}" is not a memory size: ${(e as Error).message}`);
  }
}

function duration(value: string, key: string, fail: Fail): number {
  let minutes: number;
  try {
    minutes = timeValueMinutes(value);
  } catch (e) {
    return fail(key, `"${value}" is not a time: ${(e as Error).message}`);
  }
  if (minutes === -1) fail(key, 'a notebook needs a finite time (UNLIMITED, 0 and -1 are not allowed)');
  return minutes;
}

function bounds(key: string, b: Bounds | undefined, dflt: number, fail: Fail): Bounds | undefined {
  if (!b) return undefined;
  if (b.min > b.max) fail(`${key}.min`, `min (${b.min}) is greater than max (${b.max})`);
  if (dflt < b.min || dflt > b.max) fail(key, `the profile's own value (${dflt}) lies outside min..max (${b.min}..${b.max})`);
  return b;
}

function resolveProfile(p: ProfileConfig, where: string, partitions: { name: string; maxTimeMinutes: number }[], defaultCommand: string, fail: Fail): ResolvedProfile {
  const partition = partitions.find((x) => x.name === p.partition);
  if (!partition) fail(`${where}.partition`, `no partition "${p.partition}" (partitions: ${partitions.map((x) => x.name).join(', ')})`);
  const memoryMB = memory(p.memory, `${where}.memory`, fail);
  if (memoryMB === 0) fail(`${where}.memory`, 'a notebook needs a memory size (0 = whole node is not allowed)');
  const maxTimeMinutes = duration(p.maxTime, `${where}.maxTime`, fail);
  if (partition!.maxTimeMinutes !== -1 && maxTimeMinutes > partition!.maxTimeMinutes) {
    fail(`${where}.maxTime`, `${p.maxTime} exceeds the maximum time of partition ${p.partition} (${formatTimeValue(partition!.maxTimeMinutes)})`);
  }
  const u = p.userOptions;
  const mem = u.memory && { min: memory(u.memory.min, `${where}.userOptions.memory.min`, fail), max: memory(u.memory.max, `${where}.userOptions.memory.max`, fail) };
  const time = u.time && { min: duration(u.time.min, `${where}.userOptions.time.min`, fail), max: duration(u.time.max, `${where}.userOptions.time.max`, fail) };
  if (time && time.max > maxTimeMinutes) fail(`${where}.userOptions.time.max`, `${u.time!.max} exceeds the profile's maxTime ${p.maxTime}`);
  if (u.image && !p.image) fail(`${where}.image`, 'a profile that offers image choices needs an image of its own (the default choice)');
  if (u.image && p.image && !u.image.choices.includes(p.image)) fail(`${where}.userOptions.image.choices`, `the profile's image ${p.image} must be one of the choices`);
  return {
    name: p.name,
    description: p.description,
    partition: p.partition,
    cpus: p.cpus,
    memoryMB,
    gpus: p.gpus,
    maxTimeMinutes,
    defaultTimeMinutes: time ? Math.min(maxTimeMinutes, time.max) : maxTimeMinutes,
    image: p.image ?? null,
    allowGroups: p.allowGroups ?? null,
    command: p.command ?? defaultCommand,
    userOptions: {
      cpus: bounds(`${where}.userOptions.cpus`, u.cpus, p.cpus, fail),
      memoryMB: bounds(`${where}.userOptions.memory`, mem, memoryMB, fail),
      gpus: bounds(`${where}.userOptions.gpus`, u.gpus, p.gpus, fail),
      timeMinutes: time && bounds(`${where}.userOptions.time`, time, Math.min(maxTimeMinutes, time.max), fail),
      image: u.image?.choices,
    },
  };
}

/** The `notebooks` section checked against the partitions; `fail` throws the configuration error naming the key. */
export function resolveNotebooks(config: NotebooksConfig, partitions: { name: string; maxTimeMinutes: number }[], fail: Fail): ResolvedNotebooks {
  const names = new Set<string>();
  const profiles = config.profiles.map((p, i) => {
    const where = `notebooks.profiles.${i}`;
    if (names.has(p.name)) fail(`${where}.name`, `profile "${p.name}" is defined twice`);
    names.add(p.name);
    return resolveProfile(p, where, partitions, config.command, fail);
  });
  const [low, high] = config.portRange;
  if (config.ports) {
    const [from, to] = config.ports.split('-').map(Number);
    if (from < low || to > high) fail('notebooks.ports', `${config.ports} must lie within notebooks.portRange [${low}, ${high}]: a server on another port could not register`);
  }
  return {
    gatewayUrl: config.gatewayUrl?.replace(/\/+$/, '') ?? null,
    command: config.command,
    python: config.python,
    ports: config.ports ?? null,
    portRange: [low, high],
    startTimeoutSeconds: config.startTimeout,
    profiles,
  };
}
