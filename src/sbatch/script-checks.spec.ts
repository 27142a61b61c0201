import { parseBatchScript } from './parse-batch-script';
import { SbatchError } from './sbatch-error';
import { LIMITS, NOW } from '../../test/sbatch/parse';

function refusalOf(body: string, limits = LIMITS): SbatchError {
  try {
    parseBatchScript({ script: body, optionArgs: [], scriptArgs: [], env: {}, scriptName: 'job.sh', now: NOW }, limits);
  } catch (e) {
    if (e instanceof SbatchError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('script body checks', () => {
  it('requires #! on the first line, with Slurm\'s message', () => {
    expect(refusalOf('echo hi\n').message).toBe(
      'This does not look like a batch script. The first line must start with #! followed by the path to an interpreter. For instance: #!/bin/sh',
    );
    expect(refusalOf(' #!/bin/sh\n').details).toMatchObject({ field: 'script', line: 1 });
  });

  it('refuses DOS line breaks like Slurm, naming the first line that has one', () => {
    const error = refusalOf('#!/bin/sh\necho a\necho b\r\n');
    expect(error.message).toBe(
      'Batch script contains DOS line breaks (\\r\\n) instead of expected UNIX line breaks (\\n) (first at script line 3); convert it, e.g. with dos2unix',
    );
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('a lone carriage return is not a DOS line break', () => {
    expect(() => parseBatchScript({ script: '#!/bin/sh\necho a\rb\n', optionArgs: [], scriptArgs: [], env: {}, scriptName: null }, LIMITS)).not.toThrow();
  });

  it('refuses empty and whitespace-only scripts with sbatch\'s words', () => {
    expect(refusalOf('').message).toBe('Batch script is empty!');
    expect(refusalOf(' \n\t\n').message).toBe('Batch script contains only whitespace!');
  });

  it('refuses NUL bytes, naming the line', () => {
    const error = refusalOf('#!/bin/sh\necho ok\necho \0\n');
    expect(error.message).toBe("the batch script contains a NULL character '\\0' (script line 3); Slurm does not allow scripts that contain one");
  });

  it('refuses invalid UTF-8 (lone surrogates after decoding)', () => {
    expect(refusalOf('#!/bin/sh\necho \uD800\n').message).toBe('the batch script is not valid UTF-8 (script line 2); save it as UTF-8 text');
    expect(refusalOf('#!/bin/sh\n\n\necho \uDC00x\n').details).toMatchObject({ line: 4 });
  });

  it('accepts well-formed non-ASCII text, including astral characters', () => {
    const body = '#!/bin/sh\n#SBATCH -J café-🧪\necho "Grüße"\n';
    expect(parseBatchScript({ script: body, optionArgs: [], scriptArgs: [], env: {}, scriptName: null }, LIMITS).spec.name).toBe('café-🧪');
  });

  it('measures the size limit in UTF-8 bytes', () => {
    const limits = { ...LIMITS, maxScriptBytes: 20 };
    const ascii = '#!/bin/sh\necho 12345'; // 20 bytes
    expect(() => parseBatchScript({ script: ascii, optionArgs: [], scriptArgs: [], env: {}, scriptName: null }, limits)).not.toThrow();
    const error = refusalOf('#!/bin/sh\necho 1234é', limits); // 21 bytes, 20 characters
    expect(error.message).toBe('the batch script is 21 bytes; this gateway accepts at most 20 bytes');
    expect(error.details).toMatchObject({ field: 'script', allowed: 'at most 20 bytes (UTF-8)' });
  });
});
