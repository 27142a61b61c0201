import type { OutputChunk, OutputRequest } from '../backend';

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
