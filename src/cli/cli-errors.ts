/**
 * How a failure leaves the CLI. Commands print their own Slurm-worded errors and return an exit code;
 * what escapes them is printed here in one form, never as a stack trace.
 */
import { CliConfigError } from './cli-config';
import { GatewayRequestError, GatewayUnreachableError, TokenRefusedError } from './gateway-client';
import { describeUnreachable, type SlurmCall } from './slurm-unreachable';

/** A usage or input error a command raises with the exact words to print after `<command>: `. */
export class CommandError extends Error {
  constructor(
    message: string,
    /** `error` (most commands) or `fatal` (where Slurm's own command says fatal). */
    readonly level: 'error' | 'fatal' = 'error',
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * What each Slurm command was doing when the gateway could not be reached, if nothing more precise
 * caught it: loading jobs (squeue, scontrol show job, scancel with filters), partitions (sinfo),
 * submitting (sbatch), asking accounting (sacct). Per-job calls (scancel ID, scontrol hold ID) frame
 * their own lines in the command.
 */
const UNREACHABLE_CALLS: Record<string, SlurmCall> = {
  squeue: { command: 'squeue' },
  scontrol: { command: 'scontrol-show-job' },
  scancel: { command: 'squeue' },
  sbatch: { command: 'sbatch' },
  sinfo: { command: 'sinfo' },
  sacct: { command: 'sacct' },
};

/** The stderr text and exit code for an error that reached the top of a command. */
export function describeFailure(command: string, err: unknown): { text: string; exitCode: number } {
  const call = UNREACHABLE_CALLS[command];
  const unreachable = call ? describeUnreachable(call, err) : null;
  if (unreachable) return unreachable;
  if (err instanceof GatewayUnreachableError || err instanceof TokenRefusedError || err instanceof CliConfigError) {
    return { text: `hpcg: ${err.message}\n`, exitCode: 1 };
  }
  if (err instanceof CommandError) return { text: `${command}: ${err.level}: ${err.message}\n`, exitCode: err.exitCode };
  if (err instanceof GatewayRequestError) return { text: `${command}: error: ${err.message}\n`, exitCode: 1 };
  const message = err instanceof Error ? err.message : String(err);
  return { text: `${command}: error: ${message}\n`, exitCode: 1 };
}
