import { chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { completeUtf8Length, MAX_OUTPUT_BYTES, readOutputChunk } from './output-reader';

// Output of a root-owned job is never served: as root, the files of these tests belong to an ordinary uid.
const isRoot = process.getuid?.() === 0;
const me = isRoot ? 4321 : (process.getuid?.() ?? 4321);
function write(path: string, data: string | Buffer): void {
  writeFileSync(path, data);
  if (isRoot) chownSync(path, me, me);
}
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcg-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = { tailLines: null, offset: 0, limit: 64 * 1024 };

describe('readOutputChunk', () => {
  it('never serves output for an owner uid of root, even of a root-owned file', async () => {
    const path = join(dir, 'shadow');
    writeFileSync(path, 'root:secret');
    await expect(readOutputChunk(path, bytes, 0)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('returns nothing, size 0, for an output file that does not exist yet', async () => {
    expect(await readOutputChunk(join(dir, 'later.out'), bytes, me)).toEqual({ path: join(dir, 'later.out'), data: '', nextOffset: 0, size: 0 });
  });

  it('reads a byte range and says where to continue', async () => {
    const path = join(dir, 'a.out');
    write(path, 'line1\nline2\nline3\n');
    expect(await readOutputChunk(path, { tailLines: null, offset: 6, limit: 6 }, me)).toEqual({ path, data: 'line2\n', nextOffset: 12, size: 18 });
    expect(await readOutputChunk(path, { tailLines: null, offset: 100, limit: 6 }, me)).toMatchObject({ data: '', nextOffset: 18 });
  });

  it('returns the last N lines, with or without a final newline', async () => {
    const path = join(dir, 'b.out');
    write(path, 'one\ntwo\nthree\nfour\n');
    expect((await readOutputChunk(path, { tailLines: 2, offset: 0, limit: 0 }, me)).data).toBe('three\nfour\n');
    write(path, 'one\ntwo\nthree');
    expect((await readOutputChunk(path, { tailLines: 2, offset: 0, limit: 0 }, me)).data).toBe('two\nthree');
    expect((await readOutputChunk(path, { tailLines: 10, offset: 0, limit: 0 }, me)).data).toBe('one\ntwo\nthree');
  });

  it('caps what one call returns at 1 MiB', async () => {
    const path = join(dir, 'big.out');
    write(path, 'x'.repeat(MAX_OUTPUT_BYTES + 10));
    const chunk = await readOutputChunk(path, { tailLines: null, offset: 0, limit: 10 * MAX_OUTPUT_BYTES }, me);
    expect(chunk.data.length).toBe(MAX_OUTPUT_BYTES);
    expect(chunk.nextOffset).toBe(MAX_OUTPUT_BYTES);
    expect((await readOutputChunk(path, { tailLines: 5, offset: 0, limit: 0 }, me)).data.length).toBe(MAX_OUTPUT_BYTES);
  });

  it('never splits a UTF-8 character between two reads', async () => {
    const path = join(dir, 'u.out');
    write(path, 'aé'); // é is 2 bytes
    const first = await readOutputChunk(path, { tailLines: null, offset: 0, limit: 2 }, me);
    expect(first).toMatchObject({ data: 'a', nextOffset: 1 });
    expect((await readOutputChunk(path, { tailLines: null, offset: first.nextOffset, limit: 2 }, me)).data).toBe('é');
  });

  it('refuses to read through a symbolic link or a file that is not the owner', async () => {
    const target = join(dir, 'secret');
    write(target, 'secret');
    symlinkSync(target, join(dir, 'link.out'));
    await expect(readOutputChunk(join(dir, 'link.out'), bytes, me)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    const e = await readOutputChunk(target, bytes, me + 4242).catch((x: DomainError) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).message).toContain(`not to the job's owner (uid ${me + 4242})`);
  });

  it('refuses negative ranges with BAD_USER_INPUT', async () => {
    await expect(readOutputChunk(join(dir, 'x'), { tailLines: null, offset: -1, limit: 5 }, me)).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });
});

describe('completeUtf8Length', () => {
  it('drops only a trailing incomplete sequence', () => {
    const euro = Buffer.from('€'); // 3 bytes
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro]))).toBe(5);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]))).toBe(2);
    expect(completeUtf8Length(Buffer.from('plain'))).toBe(5);
  });
});
