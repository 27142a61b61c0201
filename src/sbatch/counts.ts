import { type NodeRange, MAX_COUNT } from '../domain/job';
import { ValueError } from './value-error';

const COUNT_FORMS = `a whole number from 1 to ${MAX_COUNT}`;

/** -n, -c, --ntasks-per-node: a positive whole number (Slurm's parse_int refuses 0 and negatives). */
export function positiveCount(value: string, allowed = COUNT_FORMS): number {
  const m = /^\+?(\d+)$/.exec(value);
  if (!m) throw new ValueError(allowed);
  const n = m[1].length > 12 ? Infinity : Number(m[1]);
  if (n < 1) throw new ValueError(allowed, 'the count must be at least 1');
  if (n > MAX_COUNT) throw new ValueError(allowed, `${m[1].length > 12 ? 'the count' : n} is more than the maximum of ${MAX_COUNT}`);
  return n;
}

const NODE_FORMS = `N or MIN-MAX nodes, each from 1 to ${MAX_COUNT} (a k or m suffix multiplies by 1024 or 1048576)`;

function nodeCount(text: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(text);
  if (!m) throw new ValueError(NODE_FORMS, `"${text}" is not a valid node count`);
  const n = m[1].length > 12 ? Infinity : Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]) ? 1024 : 1024 * 1024);
  if (n < 1) throw new ValueError(NODE_FORMS, 'a job needs at least 1 node');
  if (n > MAX_COUNT) throw new ValueError(NODE_FORMS, `${Number.isFinite(n) ? n : text} nodes is more than the maximum of ${MAX_COUNT}`);
  return n;
}

/** -N/--nodes: "N" (min = max = N) or "MIN-MAX". */
export function nodeRange(value: string): NodeRange {
  const m = /^([^-]+)(?:-(.*))?$/.exec(value);
  if (!m) throw new ValueError(NODE_FORMS);
  const min = nodeCount(m[1]);
  const max = m[2] === undefined ? min : nodeCount(m[2]);
  if (max < min) throw new ValueError(NODE_FORMS, `the maximum node count ${max} is less than the minimum node count ${min}`);
  return { min, max };
}
