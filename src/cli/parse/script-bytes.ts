/**
 * A batch script's bytes to text, refusing what would not survive the trip intact: NUL bytes and
 * invalid UTF-8 (which JSON would silently turn into U+FFFD). Errors say where, so an editor can jump.
 */

export class ScriptEncodingError extends Error {}

function position(bytes: Uint8Array, offset: number): string {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return `line ${line} (byte offset ${offset})`;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= bytes.length) return i; // truncated sequence at the end
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeScript(bytes: Uint8Array, source: string): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new ScriptEncodingError(`${source} contains a NUL byte at ${position(bytes, nul)}: a batch script must be text`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    throw new ScriptEncodingError(`${source} is not valid UTF-8 at ${position(bytes, bad)}: save the script as UTF-8 text`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
