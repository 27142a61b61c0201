import { MAX_NAME_LENGTH, MAX_PATH_LENGTH, MAX_TEXT_LENGTH, PARTITION_NAME } from '../domain/job';
import { ValueError } from './value-error';

const CONTROL = /[\u0000-\u001f\u007f]/;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/** A job name: any text without control characters (Slurm shows it in squeue and file names). */
export function jobName(value: string): string {
  const allowed = `1 to ${MAX_NAME_LENGTH} characters without control characters`;
  if (value === '') throw new ValueError(allowed, 'the job name is empty');
  if (CONTROL.test(value)) throw new ValueError(allowed, 'the job name contains a control character');
  if (value.length > MAX_NAME_LENGTH) throw new ValueError(allowed, `the job name is ${value.length} characters long`);
  return value;
}

/** Account, QOS, reservation, mail user: one word. */
export function simpleName(value: string, what: string): string {
  const allowed = `a ${what} of 1 to ${MAX_NAME_LENGTH} characters without spaces, commas or control characters`;
  if (value === '' || WHITESPACE_OR_CONTROL.test(value) || value.includes(',')) throw new ValueError(allowed);
  if (value.length > MAX_NAME_LENGTH) throw new ValueError(allowed, `the ${what} is ${value.length} characters long`);
  return value;
}

/** A comma list of names (reservations); empty elements are refused. */
export function nameList(value: string, what: string): string[] {
  const names = value.split(',');
  if (names.some((n) => n === '')) throw new ValueError(`a comma list of ${what}s without empty elements`, `the list "${value}" has an empty element`);
  return [...new Set(names.map((n) => simpleName(n, what)))];
}

/** -p: a comma list of partition names, tried in the order given. */
export function partitionList(value: string): string[] {
  const allowed = 'a comma list of partition names (letters, digits, ".", "-" and "_", 1-64 characters each)';
  const names = value.split(',');
  for (const name of names) {
    if (name === '') throw new ValueError(allowed, value === '' ? 'no partition given' : 'the list has an empty element');
    if (!PARTITION_NAME.test(name)) throw new ValueError(allowed, `"${name}" is not a partition name`);
  }
  return [...new Set(names)];
}

/** --comment, --constraint: free text on one line. */
export function freeText(value: string, what: string, allowSpaces: boolean): string {
  const allowed = `${what} of at most ${MAX_TEXT_LENGTH} characters${allowSpaces ? ' without control characters' : ' without spaces or control characters'}`;
  if ((allowSpaces ? CONTROL : WHITESPACE_OR_CONTROL).test(value)) throw new ValueError(allowed);
  if (value.length > MAX_TEXT_LENGTH) throw new ValueError(allowed, `it is ${value.length} characters long`);
  return value;
}

/**
 * -o/-e/-i patterns and -D: kept raw, expanded per engine. Slurm replaces %j %J %A %a %x %u %N
 * %n %s %t %% (with optional zero padding such as %5a, capped at width 10) and leaves any other %
 * sequence literal; a backslash disables expansion. None of that can make a pattern invalid, so the
 * check is about what no file name may contain.
 */
export function pathPattern(value: string, what: string): string {
  const allowed = `a ${what} of 1 to ${MAX_PATH_LENGTH} characters without control characters`;
  if (value === '') throw new ValueError(allowed, `the ${what} is empty`);
  if (CONTROL.test(value)) throw new ValueError(allowed, `the ${what} contains a control character`);
  if (value.length > MAX_PATH_LENGTH) throw new ValueError(allowed, `the ${what} is ${value.length} characters long`);
  return value;
}

/** -w/-x: a Slurm hostlist expression such as node[1-5,7],gpu01. */
export function hostList(value: string): string {
  const allowed = 'host names or hostlist expressions such as node[1-5,7],gpu01';
  if (value.includes('/')) {
    throw new ValueError(allowed, 'reading the node list from a file (a value containing "/") is not supported by this gateway; list the hosts');
  }
  if (!/^[A-Za-z0-9._\-[\],]+$/.test(value) || value.length > MAX_TEXT_LENGTH) throw new ValueError(allowed);
  // Commas inside brackets belong to a range (node[1,3]); at depth 0 they separate hosts.
  let depth = 0;
  let hostLength = 0;
  for (const c of value) {
    if (c === '[') depth += 1;
    if (c === ']') depth -= 1;
    if (depth < 0 || depth > 1) throw new ValueError(allowed, 'the brackets are unbalanced');
    if (c === ',' && depth === 0) {
      if (hostLength === 0) throw new ValueError(allowed, 'the list has an empty element');
      hostLength = 0;
    } else hostLength += 1;
  }
  if (depth !== 0) throw new ValueError(allowed, 'the brackets are unbalanced');
  if (hostLength === 0) throw new ValueError(allowed, 'the list has an empty element');
  return value;
}
