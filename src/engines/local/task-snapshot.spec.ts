import { mkdtempSync, promises as fsp, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTaskSnapshot } from './task-snapshot';
import F = require('./runtime/task-files');

describe('readTaskSnapshot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcg-snapshot-'));
    writeFileSync(join(dir, F.START), '2026-12-02T16:00:00.000Z');
    writeFileSync(join(dir, F.EXIT), JSON.stringify({ state: 'COMPLETED', reason: null, exitCode: 0, signal: null, endTime: '2026-12-02T16:00:01.000Z' }));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a finished task whole', async () => {
    const s = await readTaskSnapshot(dir);
    expect(s.startedAt?.toISOString()).toBe('2026-12-02T16:00:00.000Z');
    expect(s.exit).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
  });

  it('keeps the start of a finished task even when the listing raced the launcher\'s renames and missed it', async () => {
    const readdir = fsp.readdir.bind(fsp);
    jest.spyOn(fsp, 'readdir').mockImplementation((async (path: string) => ((await readdir(path)) as string[]).filter((n) => n !== F.START)) as unknown as typeof fsp.readdir);
    const s = await readTaskSnapshot(dir);
    expect(s.exit).not.toBeNull();
    expect(s.startedAt?.toISOString()).toBe('2026-12-02T16:00:00.000Z');
  });
});
