/**
 * Thrown by the value grammars (time, memory, array, …), which know what is wrong with a value
 * but not which option or source it came from; the option layer turns it into an SbatchError.
 */
export class ValueError extends Error {
  constructor(
    /** What is allowed, phrased to follow "expected " (e.g. "minutes, MM:SS or HH:MM:SS"). */
    readonly allowed: string,
    /** What is wrong beyond "does not match", or null. */
    readonly problem: string | null = null,
  ) {
    super(problem ? `${problem}; expected ${allowed}` : `expected ${allowed}`);
    this.name = 'ValueError';
  }
}
