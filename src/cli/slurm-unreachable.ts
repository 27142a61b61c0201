/**
 * What Slurm 22.05's commands print, and how they exit, when their daemon cannot be reached; the CLI
 * says the same when the gateway cannot be reached. batchspawner (`state_unknown_re`) and Open
 * OnDemand match these words to tell "the controller is down, the job lives on" from "the job is
 * gone". Texts from slurm_strerror() (src/common/slurm_errno.c) as each command frames them,
 * recorded from the real commands in test/slurm/recorded/unreachable/ (record-unreachable.ts).
 */
import { GatewayRequestError, GatewayUnreachableError } from './gateway-client';

/** Slurm's errno for each way a request gets no answer, with slurm_strerror()'s text. */
const SLURM_ERRNO = {
  connect: { code: 1800, text: 'Unable to contact slurm controller (connect failure)' },
  receive: { code: 1802, text: 'Unable to contact slurm controller (receive failure)' },
  timeout: { code: 5004, text: 'Socket timed out on send/recv operation' },
} as const;

type Failure = keyof typeof SLURM_ERRNO;

/** The failure an error stands for, or null when the gateway answered (or is misconfigured, not down). */
export function communicationFailure(err: unknown): Failure | null {
  if (err instanceof GatewayUnreachableError) return err.kind === 'not-gateway' ? null : err.kind;
  // The gateway is up but cannot serve now (its database or queue): to a client, the controller is unreachable.
  if (err instanceof GatewayRequestError && err.code === 'UNAVAILABLE') return 'connect';
  return null;
}

export type SlurmCall =
  | { command: 'squeue' | 'scontrol-show-job' }
  | { command: 'sbatch' }
  | { command: 'sinfo' | 'scontrol-show-partition' }
  | { command: 'scontrol-update'; jobId: string }
  | { command: 'scancel-job'; jobId: string }
  | { command: 'sacct' };

/** The daemon a command could not reach: its `host:port` and strerror()'s words for why (sacct prints both). */
export interface Peer {
  hostPort: string;
  socketError: string;
}

/** The stderr text (with its newline) and exit code of Slurm's `call` failing with `failure`. */
export function slurmUnreachable(call: SlurmCall, failure: Failure, peer: Peer): { text: string; exitCode: number } {
  const errno = SLURM_ERRNO[failure];
  switch (call.command) {
    case 'squeue':
    case 'scontrol-show-job':
      return { text: `slurm_load_jobs error: ${errno.text}\n`, exitCode: 1 };
    case 'sbatch':
      return { text: `sbatch: error: Batch job submission failed: ${errno.text}\n`, exitCode: 1 };
    case 'sinfo':
      return { text: `slurm_load_partitions: ${errno.text}\n`, exitCode: 1 };
    case 'scontrol-show-partition':
      return { text: `slurm_load_partitions error: ${errno.text}\n`, exitCode: 1 };
    case 'scontrol-update':
      // scontrol hold/release with slurmctld down: its update RPC reports an unexpected message.
      return { text: `Unexpected message received for job ${call.jobId}\nslurm_suspend error: Unexpected message received\n`, exitCode: 1 };
    case 'scancel-job':
      // scancel exits with the largest errno it met: exit(1800) is 8 to the shell.
      return { text: `scancel: error: Kill job error on job id ${call.jobId}: ${errno.text}\n`, exitCode: errno.code & 0xff };
    case 'sacct':
      // sacct talks to slurmdbd, whose address it names: here, the gateway's.
      return {
        text:
          `sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:${peer.hostPort}: ${peer.socketError}\n` +
          'sacct: error: Sending PersistInit msg: Resource temporarily unavailable\n' +
          'sacct: error: Problem talking to the database: Resource temporarily unavailable\n',
        exitCode: 1,
      };
  }
}

function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return url;
  }
}

/** strerror()'s words for the socket error behind `err`; a gateway that answered "unavailable" is as good as refusing. */
function socketErrorText(err: unknown): string {
  if (!(err instanceof GatewayUnreachableError)) return 'Connection refused';
  const byCode: Record<string, string> = {
    ECONNREFUSED: 'Connection refused',
    ECONNRESET: 'Connection reset by peer',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    ETIMEDOUT: 'Connection timed out',
  };
  const code = /\b(E[A-Z]+)\b/.exec(err.reason)?.[1];
  if (code && byCode[code]) return byCode[code];
  if (/ENOTFOUND|EAI_AGAIN/.test(err.reason)) return 'Name or service not known';
  if (err.kind === 'timeout') return 'Connection timed out';
  return 'Connection refused';
}

/** The command's own line, then one of the gateway's saying what failed where (Slurm's line stays first for parsers). */
export function describeUnreachable(call: SlurmCall, err: unknown): { text: string; exitCode: number } | null {
  const failure = communicationFailure(err);
  if (!failure) return null;
  const url = err instanceof GatewayUnreachableError || err instanceof GatewayRequestError ? err.url : '';
  const slurm = slurmUnreachable(call, failure, { hostPort: hostPort(url), socketError: socketErrorText(err) });
  const detail = err instanceof GatewayUnreachableError ? err.message : `the gateway cannot serve requests now: ${(err as Error).message}`;
  return { text: `${slurm.text}hpcg: ${detail}\n`, exitCode: slurm.exitCode };
}
