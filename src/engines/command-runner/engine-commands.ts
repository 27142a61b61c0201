/** What command-line engines (Slurm, HTCondor) share when running their commands through a CommandRunner. */
import { DomainError, ErrorCode } from '../../common/domain-error';
import { OutputChunk, OutputRequest } from '../engine';
import { EngineUnavailableError } from '../engine-errors';
import { CommandRequest, CommandResult, CommandRunner, RunnerUnavailableError } from './command-runner';

/** Runs a reading program as the job's owner: its stdout, or null when the file does not exist (yet). */
export type OwnerRead = (program: string, args: string[]) => Promise<string | null>;

/**
 * A job's output file read through a command runner as its owner (so file permissions are the
 * owner's): the last lines (`tail`), or a byte range (`dd`), with the file's size.
 */
export async function readOutputFile(read: OwnerRead, path: string, request: OutputRequest): Promise<OutputChunk> {
  const size = await read('/usr/bin/stat', ['-c', '%s', '--', path]);
  if (size === null) return { path, data: '', nextOffset: 0, size: 0 };
  const total = Number(size.trim());
  if (request.tailLines !== null) {
    const data = (await read('/usr/bin/tail', ['-n', String(request.tailLines), '--', path])) ?? '';
    return { path, data, nextOffset: total, size: total };
  }
  const data = (await read('/usr/bin/dd', [`if=${path}`, 'iflag=skip_bytes,count_bytes', `skip=${request.offset}`, `count=${request.limit}`, 'status=none'])) ?? '';
  return { path, data, nextOffset: request.offset + Buffer.byteLength(data), size: total };
}

/** The stdout of a reading command run as the job's owner; null when the file does not exist (yet). */
export function ownerReadResult(result: CommandResult, engine: string, jobId: number): string | null {
  if (result.code === 0) return result.stdout;
  if (/No such file/i.test(result.stderr)) return null;
  throw new DomainError(ErrorCode.INTERNAL, `cannot read output of job ${jobId} on engine ${engine}: ${result.stderr.trim()}`, { jobId });
}

/** Runs an engine's command; a runner that cannot reach its target makes the engine unavailable (retry later), never a job failure. */
export async function runEngineCommand(runner: CommandRunner, engine: string, request: CommandRequest, what: string): Promise<CommandResult> {
  try {
    return await runner.run(request);
  } catch (e) {
    if (e instanceof RunnerUnavailableError) throw new EngineUnavailableError(engine, `${what} on engine ${engine}: ${e.message}`);
    throw e;
  }
}
