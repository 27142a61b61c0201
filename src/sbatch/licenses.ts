import { type LicenseRequest, MAX_COUNT, MAX_NAME_LENGTH } from '../domain/job';
import { ValueError } from './value-error';

const ALLOWED = `a comma list of name[@server][:count] (count 1 to ${MAX_COUNT}, default 1), e.g. matlab:2,ansys@db`;

/** -L/--licenses (sbatch(1)). */
export function parseLicenses(value: string): LicenseRequest[] {
  const licenses: LicenseRequest[] = [];
  for (const entry of value.split(',')) {
    const m = /^([A-Za-z0-9_.-]+(?:@[A-Za-z0-9_.-]+)?)(?::(\d+))?$/.exec(entry);
    if (!m || m[1].length > MAX_NAME_LENGTH) throw new ValueError(ALLOWED, entry === '' ? 'the list has an empty element' : `"${entry}" is not a license request`);
    const count = m[2] === undefined ? 1 : m[2].length > 12 ? Infinity : Number(m[2]);
    if (count < 1 || count > MAX_COUNT) throw new ValueError(ALLOWED, `the count of ${m[1]} must be from 1 to ${MAX_COUNT}`);
    if (licenses.some((l) => l.name === m[1])) throw new ValueError(ALLOWED, `license ${m[1]} is named twice`);
    licenses.push({ name: m[1], count });
  }
  return licenses;
}
