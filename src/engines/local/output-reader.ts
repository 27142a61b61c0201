import { constants, promises as fsp } from 'node:fs';
import { badInput, forbidden } from '../../common/domain-error';
import type { OutputChunk } from '../engine';

/** The most one call returns, whatever the caller asks for. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
const SCAN_CHUNK = 64 * 1024;

export interface OutputRange {
  /** Last N lines; when null, `offset`/`limit` (bytes) apply. */
  tailLines: number | null;
  offset: number;
  limit: number;
}

/**
 * Reads a job's output file. The path comes from the user's `-o`, and the gateway may read it with more
 * rights than the user has: so links are not followed, and the file must belong to the job's owner.
 */
export async function readOutputChunk(path: string, range: OutputRange, ownerUid: number): Promise<OutputChunk> {
  // Root owns /etc/shadow and everything else no job owner may read: a job that claims root as its owner
  // (a record from before the identity policy) gets no output served, whatever its path.
  if (!Number.isInteger(ownerUid) || ownerUid === 0) {
    throw forbidden(`job output is read only for a job owner with a non-root uid (got ${ownerUid}); output of such a job is not served`, { path });
  }
  if (range.offset < 0 || range.limit < 0 || (range.tailLines !== null && range.tailLines < 0)) {
    throw badInput(`output range must not be negative (offset ${range.offset}, limit ${range.limit}, tail ${range.tailLines})`, {
      field: 'offset/limit/tail',
    });
  }
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Not written yet (the job has not started, or writes elsewhere): nothing to show so far.
    if (code === 'ENOENT') return { path, data: '', nextOffset: 0, size: 0 };
    if (code === 'ELOOP') throw forbidden(`output file ${path} is a symbolic link; job output is not read through links`, { path });
    throw e;
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw forbidden(`output path ${path} is not a regular file`, { path });
    if (stat.uid !== ownerUid) {
      throw forbidden(`output file ${path} belongs to uid ${stat.uid}, not to the job's owner (uid ${ownerUid})`, { path });
    }
    const size = stat.size;
    const start = range.tailLines !== null ? await tailStart(fh, size, range.tailLines) : Math.min(range.offset, size);
    const want = range.tailLines !== null ? size - start : Math.min(range.limit, MAX_OUTPUT_BYTES, size - start);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, start);
    const usable = completeUtf8Length(buf.subarray(0, bytesRead));
    return { path, data: buf.subarray(0, usable).toString('utf8'), nextOffset: start + usable, size };
  } finally {
    await fh.close();
  }
}

/** Byte offset where the last `lines` lines begin; at most MAX_OUTPUT_BYTES before the end. */
async function tailStart(fh: fsp.FileHandle, size: number, lines: number): Promise<number> {
  if (lines === 0) return size;
  const floor = Math.max(0, size - MAX_OUTPUT_BYTES);
  const buf = Buffer.alloc(SCAN_CHUNK);
  let seen = 0;
  let pos = size;
  while (pos > floor) {
    const len = Math.min(SCAN_CHUNK, pos - floor);
    pos -= len;
    await fh.read(buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      // The newline that ends the file closes the last line; it does not start another.
      if (buf[i] !== 0x0a || pos + i === size - 1) continue;
      if (++seen === lines) return pos + i + 1;
    }
  }
  return floor === 0 ? 0 : await nextCharBoundary(fh, floor, size);
}

/** First byte at or after `pos` that starts a UTF-8 character (skips continuation bytes). */
async function nextCharBoundary(fh: fsp.FileHandle, pos: number, size: number): Promise<number> {
  const buf = Buffer.alloc(4);
  const { bytesRead } = await fh.read(buf, 0, Math.min(4, size - pos), pos);
  let i = 0;
  while (i < bytesRead && (buf[i] & 0xc0) === 0x80) i++;
  return pos + i;
}

/** Length of `buf` without a trailing, incomplete UTF-8 sequence (the rest comes with the next read). */
export function completeUtf8Length(buf: Buffer): number {
  const end = buf.length;
  for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
    const byte = buf[i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need > end ? i : end;
  }
  return end;
}
