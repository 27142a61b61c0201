import { decodeScript, firstInvalidUtf8, ScriptEncodingError } from './script-bytes';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('decodeScript', () => {
  it('returns UTF-8 text unchanged, including multi-byte characters', () => {
    const text = '#!/bin/bash\necho "Grüße 🚀 日本"\n';
    expect(decodeScript(Buffer.from(text, 'utf8'), 'job.sh')).toBe(text);
  });

  it('refuses a NUL byte and says on which line', () => {
    const buf = Buffer.concat([Buffer.from('#!/bin/sh\necho a\n'), bytes(0), Buffer.from('\n')]);
    expect(() => decodeScript(buf, 'job.sh')).toThrow(ScriptEncodingError);
    expect(() => decodeScript(buf, 'job.sh')).toThrow('job.sh contains a NUL byte at line 3 (byte offset 17): a batch script must be text');
  });

  it('refuses invalid UTF-8 (a Latin-1 ü) and says where', () => {
    const buf = Buffer.concat([Buffer.from('#!/bin/sh\necho gr'), bytes(0xfc), Buffer.from('n\n')]);
    expect(() => decodeScript(buf, 'the script on stdin')).toThrow('the script on stdin is not valid UTF-8 at line 2 (byte offset 17): save the script as UTF-8 text');
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['valid ASCII', bytes(0x61, 0x62), -1],
    ['valid 4-byte', bytes(0xf0, 0x9f, 0x9a, 0x80), -1],
    ['lone continuation', bytes(0x61, 0x80), 1],
    ['overlong slash', bytes(0xc0, 0xaf), 0],
    ['overlong 3-byte', bytes(0xe0, 0x80, 0xaf), 0],
    ['UTF-16 surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['truncated at the end', bytes(0x61, 0xe2, 0x82), 1],
    ['bad continuation', bytes(0xe2, 0x28, 0xa1), 0],
  ])('%s', (_name, input, offset) => expect(firstInvalidUtf8(input)).toBe(offset));

  it('agrees with the platform decoder on random bytes', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let n = 0; n < 2000; n++) {
      const input = Uint8Array.from({ length: 1 + (n % 9) }, random);
      let platformValid = true;
      try {
        decoder.decode(input);
      } catch {
        platformValid = false;
      }
      expect(firstInvalidUtf8(input) === -1).toBe(platformValid);
    }
  });
});
