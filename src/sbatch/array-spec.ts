import { type ArraySpec, MAX_COUNT } from '../domain/job';
import { ValueError } from './value-error';

const forms = (maxIndex: number) =>
  `a comma list of indices N, ranges A-B and stepped ranges A-B:S (ascending, 0 to ${maxIndex}), optionally followed by %N to run at most N tasks at once (e.g. 0-15, 1,3,5, 0-15:4%2)`;

/**
 * -a/--array (sbatch(1)): "0-15", "1,3,5", "0-15:4", mixed lists, "%N" throttle. Indices are
 * expanded ascending with duplicates merged; every index must be below MaxArraySize. Empty list
 * elements ("1,,3") are skipped, as Slurm does; an empty list, a descending range or step 0 is refused.
 */
export function parseArray(value: string, maxArraySize: number): ArraySpec {
  const maxIndex = maxArraySize - 1;
  const allowed = forms(maxIndex);
  const percent = value.indexOf('%');
  const list = percent === -1 ? value : value.slice(0, percent);
  let maxConcurrent: number | null = null;
  if (percent !== -1) {
    const throttle = value.slice(percent + 1);
    if (!/^\d+$/.test(throttle)) throw new ValueError(allowed, `the throttle "%${throttle}" must be a whole number`);
    maxConcurrent = throttle.length > 12 ? Infinity : Number(throttle);
    if (maxConcurrent < 1 || maxConcurrent > MAX_COUNT) {
      throw new ValueError(allowed, `the throttle %${throttle} must be from 1 to ${MAX_COUNT} tasks at once`);
    }
  }

  const present = new Uint8Array(maxArraySize);
  let count = 0;
  const mark = (index: number) => {
    if (!present[index]) count += 1;
    present[index] = 1;
  };
  const checkIndex = (text: string): number => {
    const n = text.length > 12 ? Infinity : Number(text);
    if (n > maxIndex) throw new ValueError(allowed, `index ${text} is above the maximum index ${maxIndex} (MaxArraySize is ${maxArraySize})`);
    return n;
  };
  for (const element of list.split(',')) {
    if (element === '') continue;
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(element);
    if (!m) throw new ValueError(allowed, `"${element}" is not an index or range`);
    const first = checkIndex(m[1]);
    if (m[2] === undefined) {
      mark(first);
      continue;
    }
    const last = checkIndex(m[2]);
    if (last < first) throw new ValueError(allowed, `range ${element} is descending`);
    const step = m[3] === undefined ? 1 : m[3].length > 12 ? Infinity : Number(m[3]);
    if (step === 0) throw new ValueError(allowed, `range ${element} has step 0`);
    for (let i = first; i <= last; i += step) mark(i);
  }
  if (count === 0) throw new ValueError(allowed, 'no array index given');
  const indices: number[] = [];
  for (let i = 0; i < maxArraySize; i++) if (present[i]) indices.push(i);
  return { indices, maxConcurrent };
}
