import { type GpuRequest, MAX_COUNT, MAX_NAME_LENGTH } from '../domain/job';
import { ValueError } from './value-error';

const TYPE = /^[A-Za-z0-9_.-]+$/;
const GPUS_ALLOWED = `[type:]count with count from 0 to ${MAX_COUNT} (e.g. 2 or a100:2); one GPU type per job`;
const GRES_ALLOWED = `gpu[:type][:count] (e.g. gpu:2, gpu:a100:2; count from 0 to ${MAX_COUNT}, default 1); only the gpu resource, one type per job`;

function checkType(type: string, allowed: string): string {
  if (!TYPE.test(type) || type.length > MAX_NAME_LENGTH || /^\d+$/.test(type)) throw new ValueError(allowed, `"${type}" is not a GPU type name`);
  return type;
}

function gpuCount(text: string, allowed: string, suffixes: boolean): number {
  const m = (suffixes ? /^(\d+)([kKmMgGtTpP]?)$/ : /^(\d+)()$/).exec(text);
  if (!m) throw new ValueError(allowed, `"${text}" is not a GPU count`);
  const power = m[2] === '' ? 0 : 'kmgtp'.indexOf(m[2].toLowerCase()) + 1;
  const n = m[1].length > 12 ? Infinity : Number(m[1]) * 1024 ** power;
  if (n > MAX_COUNT) throw new ValueError(allowed, `${Number.isFinite(n) ? n : text} GPUs is more than the maximum of ${MAX_COUNT}`);
  return n;
}

/** A GPU request, or null when the request asks for zero GPUs (which clears a lower source's request). */
function request(count: number, type: string | null, per: GpuRequest['per']): GpuRequest | null {
  return count === 0 ? null : { count, type, per };
}

/** -G/--gpus, --gpus-per-node, --gpus-per-task: "[type:]count". */
export function parseGpus(value: string, per: GpuRequest['per']): GpuRequest | null {
  if (value.includes(',')) throw new ValueError(GPUS_ALLOWED, 'several GPU types in one job are not supported by this gateway');
  const parts = value.split(':');
  if (parts.length > 2) throw new ValueError(GPUS_ALLOWED);
  const type = parts.length === 2 ? checkType(parts[0], GPUS_ALLOWED) : null;
  return request(gpuCount(parts[parts.length - 1], GPUS_ALLOWED, false), type, per);
}

/** --gres: only "gpu[:type][:count]" (count may carry Slurm's k/m/g/t/p multipliers); "none" requests nothing. */
export function parseGres(value: string): GpuRequest | null {
  if (/^none$/i.test(value)) return null;
  const entries = value.split(',').filter((e) => e !== '');
  if (entries.length === 0) throw new ValueError(GRES_ALLOWED, 'no resource given');
  const others = entries.map((e) => e.split(':')[0]).filter((name) => name !== 'gpu');
  if (others.length) {
    throw new ValueError(GRES_ALLOWED, `generic resource "${others[0]}" is not supported by this gateway: only gpu is`);
  }
  if (entries.length > 1) throw new ValueError(GRES_ALLOWED, 'several gpu entries in one job are not supported by this gateway');
  const parts = entries[0].split(':');
  if (parts.length > 3) throw new ValueError(GRES_ALLOWED);
  if (parts.length === 1) return request(1, null, 'node');
  if (parts.length === 3) return request(gpuCount(parts[2], GRES_ALLOWED, true), checkType(parts[1], GRES_ALLOWED), 'node');
  // "gpu:2" names a count, "gpu:a100" a type (Slurm type names are never purely numeric).
  return /^\d/.test(parts[1]) ? request(gpuCount(parts[1], GRES_ALLOWED, true), null, 'node') : request(1, checkType(parts[1], GRES_ALLOWED), 'node');
}
