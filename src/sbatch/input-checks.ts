import { SbatchError, Source, describeSource, sourceDetails } from './sbatch-error';

/** Rejects anything but an array of strings without NUL: argv and script arguments arrive from the network. */
export function checkArgvStrings(value: unknown, what: string): asserts value is string[] {
  if (!Array.isArray(value)) throw new SbatchError(`${what} must be a list of strings`, { field: what });
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw new SbatchError(`${what}[${i}] must be a string, got ${typeof item}`, { field: `${what}[${i}]` });
    if (item.includes('\0')) {
      throw new SbatchError(`${what}[${i}] contains a NUL character; command-line words cannot contain NUL`, { field: `${what}[${i}]` });
    }
  });
}

/** `:` separates heterogeneous job components on the command line; `hetjob`/`packjob` in a script. */
export function isHetJobSeparator(word: string): boolean {
  return word === ':' || /^(hetjob|packjob)$/i.test(word);
}

export function hetJobError(word: string, source: Source): SbatchError {
  return new SbatchError(
    `heterogeneous jobs are not supported by this gateway: found the component separator "${word}" (${describeSource(source)}); submit each component as its own job`,
    { value: word, allowed: 'one job component per submission', ...sourceDetails(source) },
  );
}
