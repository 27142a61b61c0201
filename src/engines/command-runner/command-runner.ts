/**
 * How command-line engines (Slurm, HTCondor) run their commands (DESIGN.md §2 "Engines"): an argv
 * array, never a shell line; the script body on stdin, never on a command line.
 */

export interface CommandRequest {
  /** Program and arguments; argv[0] is an absolute path or a name found on the target's PATH. */
  argv: string[];
  /** Written to the command's stdin, then closed. */
  stdin?: string;
  /** Remote login to run as (SSH runner only: it opens a connection as that user); default: the runner's user. */
  login?: string;
  /** Default: the runner's own timeout. */
  timeoutMs?: number;
}

export interface CommandResult {
  /** Exit status; null when the command was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  /** Runs one command; rejects with RunnerUnavailableError when it could not be run or did not finish. */
  run(request: CommandRequest): Promise<CommandResult>;
  /** Where commands run, for logs and health (`local`, `ssh hpc@login1:22`). */
  describe(): string;
  close(): Promise<void>;
}

/** The command never ran, or never finished: the target (login node, local binary) is unavailable. */
export class RunnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerUnavailableError';
  }
}
